namespace ClaimsLedger.Ingestion.Extraction;

/// <summary>
/// A sentence as the attribution rules read it: words and punctuation outside quotations, and each
/// quotation as one opaque token, so that "“X,” Cook said" reads as [quote] [,] [Cook] [said].
/// </summary>
internal sealed record Token(string Text, int Start, int End, QuoteSpan? Quote)
{
    public bool IsQuote => Quote is not null;

    public bool IsComma => Quote is null && Text == ",";

    /// <summary>A comma, semicolon, colon or dash: where a noun phrase cannot continue.</summary>
    public bool IsPunctuation => Quote is null && Text.Length == 1 && !char.IsLetterOrDigit(Text[0]);

    public bool IsWord => Quote is null && !IsPunctuation;

    public bool IsCapitalized => IsWord && char.IsUpper(Text[0]);

    public string Lower => Text.ToLowerInvariant();

    public bool Is(string word) => IsWord && Text.Equals(word, StringComparison.OrdinalIgnoreCase);

    public bool IsIn(ISet<string> words) => IsWord && words.Contains(Text);

    /// <param name="text">The article body.</param>
    /// <param name="sentence">The sentence to read.</param>
    /// <param name="quotes">The paragraph's quotations, in text order.</param>
    public static List<Token> Of(string text, Sentence sentence, IReadOnlyList<QuoteSpan> quotes)
    {
        var tokens = new List<Token>();
        var at = sentence.Start;
        var (low, high) = (0, quotes.Count);
        while (low < high)
        {
            var middle = (low + high) / 2;
            (low, high) = quotes[middle].OpenAt < sentence.Start ? (middle + 1, high) : (low, middle);
        }

        for (var index = low; index < quotes.Count && quotes[index].OpenAt < sentence.End; index++)
        {
            var quote = quotes[index];
            tokens.AddRange(TextLayout.Words(text, at, quote.OpenAt).Select(word => new Token(word.Text, word.Start, word.End, null)));
            tokens.Add(new Token(text[quote.Start..quote.End], quote.OpenAt, quote.CloseEnd, quote));
            at = quote.CloseEnd;
        }

        if (at < sentence.End)
        {
            tokens.AddRange(TextLayout.Words(text, at, sentence.End).Select(word => new Token(word.Text, word.Start, word.End, null)));
        }

        return tokens;
    }
}
