using System.Security.Cryptography;
using System.Text;

namespace ClaimsLedger.Ingestion.Extraction;

public enum ArticleFormat
{
    Text,
    Html,
}

/// <summary>An article read, or why it could not be: <see cref="Problem"/> says what is wrong with the input.</summary>
public sealed record ArticleRead(ArticleText? Article, string? Problem)
{
    public static ArticleRead Refused(string problem) => new(null, problem);
}

/// <summary>
/// Turns what a user submits into the text quotes are found in: strict UTF-8 (no guessing of other
/// encodings), no binary, HTML reduced by a real parser. The same checks serve the API and the CLI.
/// </summary>
public static class ArticleReader
{
    /// <summary>Far above any news article (a long feature is ~100 KB of text), far below what would strain the service.</summary>
    public const int MaxTextBytes = 2 * 1024 * 1024;

    /// <summary>HTML carries markup, scripts and styles around the text: room for a heavy page.</summary>
    public const int MaxHtmlBytes = 8 * 1024 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static bool LooksLikeHtml(string path, ReadOnlySpan<byte> bytes)
    {
        if (path.EndsWith(".html", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".htm", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var head = Encoding.UTF8.GetString(bytes[..Math.Min(bytes.Length, 512)]).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        return head.StartsWith("<!doctype html", StringComparison.OrdinalIgnoreCase) || head.StartsWith("<html", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Reads a file's bytes: must be UTF-8 text (a BOM is allowed and dropped).</summary>
    public static ArticleRead Read(ReadOnlySpan<byte> bytes, ArticleFormat format)
    {
        var limit = format == ArticleFormat.Html ? MaxHtmlBytes : MaxTextBytes;
        if (bytes.Length > limit)
        {
            return ArticleRead.Refused($"The article is {bytes.Length:N0} bytes; at most {limit:N0} are read.");
        }

        string content;
        try
        {
            content = StrictUtf8.GetString(bytes).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            return ArticleRead.Refused("The article is not UTF-8 text. Convert it to UTF-8 first.");
        }

        if (format == ArticleFormat.Html)
        {
            return FromHtml(content, null);
        }

        return Check(content, format) is { } problem ? ArticleRead.Refused(problem) : new ArticleRead(ArticleText.Parse(content), null);
    }

    /// <summary>Text that arrived as a string (in a JSON body): the same checks, and the header is not parsed.</summary>
    public static ArticleRead FromText(string content, string? title)
    {
        content = content.Replace("\r\n", "\n", StringComparison.Ordinal);
        return Check(content, ArticleFormat.Text) is { } problem ? ArticleRead.Refused(problem) : new ArticleRead(new ArticleText(content, title), null);
    }

    public static ArticleRead FromHtml(string html, string? title)
    {
        if (Check(html, ArticleFormat.Html) is { } problem)
        {
            return ArticleRead.Refused(problem);
        }

        var page = ArticleText.OfHtml(html);
        if (page.Body.Trim().Length == 0)
        {
            return ArticleRead.Refused("The HTML holds no text.");
        }

        return new ArticleRead(page with { Title = title ?? page.Title }, null);
    }

    private static string? Check(string content, ArticleFormat format)
    {
        var limit = format == ArticleFormat.Html ? MaxHtmlBytes : MaxTextBytes;
        if (Encoding.UTF8.GetByteCount(content) > limit)
        {
            return $"The article is more than {limit:N0} bytes; at most {limit:N0} are read.";
        }

        if (content.Trim().Length == 0)
        {
            return "The article is empty.";
        }

        // Text has tabs and line breaks; binary has NULs and other control characters.
        var controls = content.Count(character => char.IsControl(character) && character is not ('\n' or '\r' or '\t' or '\f'));
        if (content.Contains('\0', StringComparison.Ordinal) || controls > content.Length / 100)
        {
            return "The article looks like binary data, not text.";
        }

        return content.Any(char.IsSurrogate) && !IsWellFormed(content) ? "The article holds malformed characters (lone surrogates)." : null;
    }

    private static bool IsWellFormed(string content)
    {
        for (var index = 0; index < content.Length; index++)
        {
            if (char.IsHighSurrogate(content[index]))
            {
                if (index + 1 >= content.Length || !char.IsLowSurrogate(content[index + 1]))
                {
                    return false;
                }

                index++;
            }
            else if (char.IsLowSurrogate(content[index]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The hex SHA-256 of the body's UTF-8 bytes: what a statement's source names.</summary>
    public static string Sha256(string body) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body)));
}
