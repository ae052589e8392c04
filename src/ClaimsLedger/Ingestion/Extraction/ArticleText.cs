using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace ClaimsLedger.Ingestion.Extraction;

/// <summary>
/// The text an article's quotes are found in, and what is known of it. Offsets of candidates count
/// (as .NET string indices) from the start of <see cref="Body"/>.
/// </summary>
public sealed record ArticleText(string Body, string? Title = null, string? Outlet = null, string? Published = null, string? Url = null)
{
    private static readonly string[] HeaderFields = ["title", "outlet", "published", "url"];

    /// <summary>
    /// Reads a file in the corpus format: "title:", "outlet:", "published:" and "url:" lines, a blank
    /// line, then the body. Without such a header the whole text is the body.
    /// </summary>
    public static ArticleText Parse(string content)
    {
        content = content.Replace("\r\n", "\n", StringComparison.Ordinal);
        var blank = content.IndexOf("\n\n", StringComparison.Ordinal);
        if (blank < 0)
        {
            return new ArticleText(content);
        }

        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in content[..blank].Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !HeaderFields.Contains(line[..colon].Trim(), StringComparer.OrdinalIgnoreCase))
            {
                return new ArticleText(content);
            }

            fields[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }

        return new ArticleText(content[(blank + 2)..], fields.GetValueOrDefault("title"), fields.GetValueOrDefault("outlet"),
            fields.GetValueOrDefault("published") is { } published && published != "unknown" ? published : null, fields.GetValueOrDefault("url"));
    }

    /// <summary>
    /// Reduces HTML to the text a reader sees, with an HTML5 parser: scripts, styles and other
    /// non-content elements are dropped, and each block element becomes a paragraph. The title is
    /// the page's first heading, else its title element.
    /// </summary>
    public static ArticleText OfHtml(string html)
    {
        var document = new HtmlParser().ParseDocument(html);
        var title = Collapse(document.QuerySelector("h1")?.TextContent ?? document.Title ?? "");
        foreach (var element in document.QuerySelectorAll("script, style, noscript, template, iframe, object, svg, head, nav, form, button").ToList())
        {
            element.Remove();
        }

        var paragraphs = new List<string>();
        var current = new System.Text.StringBuilder();
        Walk(document.Body ?? (INode)document.DocumentElement);
        Flush();
        return new ArticleText(string.Join("\n\n", paragraphs), title.Length > 0 ? title : null);

        void Walk(INode node)
        {
            foreach (var child in node.ChildNodes)
            {
                if (child is IText text)
                {
                    current.Append(text.Data);
                }
                else if (child is IElement element)
                {
                    var block = IsBlock(element.LocalName);
                    if (block)
                    {
                        Flush();
                    }

                    if (element.LocalName == "br")
                    {
                        current.Append('\n');
                    }

                    Walk(element);
                    if (block)
                    {
                        Flush();
                    }
                }
            }
        }

        void Flush()
        {
            var text = Collapse(current.ToString());
            if (text.Length > 0)
            {
                paragraphs.Add(text);
            }

            current.Clear();
        }
    }

    private static string Collapse(string text) =>
        string.Join(' ', text.Split((char[])[' ', '\t', '\n', '\r', '\u00a0'], StringSplitOptions.RemoveEmptyEntries));

    private static bool IsBlock(string name) => name is "p" or "div" or "h1" or "h2" or "h3" or "h4" or "h5" or "h6" or "li" or "blockquote"
        or "article" or "section" or "header" or "footer" or "figcaption" or "tr" or "td" or "th" or "pre" or "dd" or "dt" or "aside" or "main" or "br";
}
