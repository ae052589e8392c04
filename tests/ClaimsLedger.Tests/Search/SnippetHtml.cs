using System.Net;
using Shouldly;

namespace ClaimsLedger.Tests.Search;

/// <summary>What makes a snippet safe to put in a page as HTML.</summary>
public static class SnippetHtml
{
    /// <summary>
    /// Without our &lt;mark&gt; tags the snippet holds no markup at all, and decoded it is the quote's own
    /// text (a part of it, when the quote is long): nothing was lost to or smuggled past the escaping.
    /// </summary>
    public static void ShouldBeSafe(string snippet, string quote)
    {
        var text = snippet.Replace("<mark>", "", StringComparison.Ordinal).Replace("</mark>", "", StringComparison.Ordinal);
        text.ShouldNotContain("<");
        text.ShouldNotContain(">");
        text.ShouldNotContain("\"");
        text.ShouldNotContain("'");
        foreach (var passage in text.Split(" … "))
        {
            quote.ShouldContain(WebUtility.HtmlDecode(passage));
        }
    }
}
