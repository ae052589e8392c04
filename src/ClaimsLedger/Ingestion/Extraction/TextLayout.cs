using System.Text.RegularExpressions;

namespace ClaimsLedger.Ingestion.Extraction;

public enum QuoteStyle
{
    DoubleMarks,
    SingleMarks,
    DoubledSingleMarks,
}

/// <summary>A quotation: its content [Start, End) between the marks, and the marks' extent [OpenAt, CloseEnd).</summary>
public sealed record QuoteSpan(int Start, int End, int OpenAt, int CloseEnd, QuoteStyle Style, int Paragraph, bool ContinuesIntoNext);

public sealed record Paragraph(int Index, int Start, int End);

/// <summary>A sentence [Start, End) of a paragraph; quotations are never split across sentences.</summary>
public sealed record Sentence(int Start, int End, int Paragraph);

public sealed record Word(string Text, int Start, int End)
{
    public bool IsCapitalized => Text.Length > 0 && char.IsUpper(Text[0]);

    public bool IsComma => Text == ",";

    public bool IsPunctuation => Text.Length == 1 && !char.IsLetterOrDigit(Text[0]);

    public string Lower => Text.ToLowerInvariant();
}

/// <summary>
/// Finds paragraphs, quotations and sentences in English news text. Double marks (straight or
/// curly), single marks (curly, or straight ones told apart from apostrophes by their neighbours),
/// and doubled single marks; a quotation that runs over paragraphs (no closing mark, the next one
/// opening again) is followed; inner quotations stay inside the outer one.
/// </summary>
public static partial class TextLayout
{
    private const char LeftDouble = '\u201C';
    private const char RightDouble = '\u201D';
    private const char LeftSingle = '\u2018';
    private const char RightSingle = '\u2019';

    public static List<Paragraph> Paragraphs(string text)
    {
        var paragraphs = new List<Paragraph>();
        var start = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i == text.Length || text[i] == '\n')
            {
                var (from, to) = (start, i);
                while (from < to && char.IsWhiteSpace(text[from]))
                {
                    from++;
                }

                while (to > from && char.IsWhiteSpace(text[to - 1]))
                {
                    to--;
                }

                if (to > from)
                {
                    paragraphs.Add(new Paragraph(paragraphs.Count, from, to));
                }

                start = i + 1;
            }
        }

        return paragraphs;
    }

    public static List<QuoteSpan> Quotes(string text, IReadOnlyList<Paragraph> paragraphs)
    {
        var quotes = new List<QuoteSpan>();
        QuoteStyle? carried = null;
        foreach (var paragraph in paragraphs)
        {
            // A paragraph that goes on with the previous one's quotation without reopening it starts inside it.
            var open = carried is { } inside ? (Style: (QuoteStyle?)inside, At: paragraph.Start, Content: paragraph.Start) : (Style: (QuoteStyle?)null, At: 0, Content: 0);
            carried = null;
            for (var i = paragraph.Start; i < paragraph.End; i++)
            {
                var c = text[i];
                var next = i + 1 < paragraph.End ? text[i + 1] : '\0';
                if (open.Style is null)
                {
                    if ((c == LeftSingle && next == LeftSingle) || (c == '\'' && next == '\'' && Opens(text, i, paragraph)))
                    {
                        open = (QuoteStyle.DoubledSingleMarks, i, i + 2);
                        i++;
                    }
                    else if (c == LeftDouble || c == '\u00AB' || (c == '"' && Opens(text, i, paragraph)))
                    {
                        open = (QuoteStyle.DoubleMarks, i, i + 1);
                    }
                    else if ((c == LeftSingle || (c == '\'' && Opens(text, i, paragraph))) && next != '\0' && !char.IsWhiteSpace(next))
                    {
                        open = (QuoteStyle.SingleMarks, i, i + 1);
                    }

                    continue;
                }

                var closes = open.Style switch
                {
                    QuoteStyle.DoubleMarks => c is RightDouble or '"' or '\u00BB',
                    QuoteStyle.DoubledSingleMarks => (c == RightSingle && next == RightSingle) || (c == '\'' && next == '\''),
                    _ => (c == RightSingle || c == '\'') && ClosesSingle(text, i, paragraph),
                };
                if (closes)
                {
                    var markLength = open.Style == QuoteStyle.DoubledSingleMarks ? 2 : 1;
                    if (i > open.Content)
                    {
                        quotes.Add(new QuoteSpan(open.Content, i, open.At, i + markLength, open.Style.Value, paragraph.Index, false));
                    }

                    i += markLength - 1;
                    open = (null, 0, 0);
                }
            }

            // Unclosed at the paragraph's end: a quotation running on into the next paragraph (which
            // opens again) is kept; otherwise the mark was stray and the span is dropped.
            if (open.Style is { } style && style != QuoteStyle.SingleMarks && paragraph.Index + 1 < paragraphs.Count && paragraph.End > open.Content)
            {
                var next = paragraphs[paragraph.Index + 1];
                if (OpensParagraph(text, next, style))
                {
                    quotes.Add(new QuoteSpan(open.Content, paragraph.End, open.At, paragraph.End, style, paragraph.Index, true));
                }
                else if (ClosesBeforeOpening(text, next, style))
                {
                    // Some outlets do not reopen the quotation in the next paragraph; its closing mark is there.
                    quotes.Add(new QuoteSpan(open.Content, paragraph.End, open.At, paragraph.End, style, paragraph.Index, true));
                    carried = style;
                }
            }
        }

        return quotes;
    }

    private static bool Opens(string text, int i, Paragraph paragraph) =>
        i == paragraph.Start || char.IsWhiteSpace(text[i - 1]) || "([{—–-/:".Contains(text[i - 1], StringComparison.Ordinal);

    /// <summary>A single mark closes unless it sits inside a word (an apostrophe: "we've", "Libya's").</summary>
    private static bool ClosesSingle(string text, int i, Paragraph paragraph)
    {
        var previous = i > paragraph.Start ? text[i - 1] : ' ';
        var next = i + 1 < paragraph.End ? text[i + 1] : ' ';
        if (char.IsWhiteSpace(previous) || (char.IsLetterOrDigit(previous) && char.IsLetterOrDigit(next)))
        {
            return false;
        }

        return char.IsWhiteSpace(next) || char.IsPunctuation(next) || next is '\u2019' or '\u201D';
    }

    /// <summary>Whether the paragraph's first quotation mark of this style closes (a quotation begun before it).</summary>
    private static bool ClosesBeforeOpening(string text, Paragraph paragraph, QuoteStyle style)
    {
        for (var i = paragraph.Start; i < paragraph.End; i++)
        {
            var c = text[i];
            var next = i + 1 < paragraph.End ? text[i + 1] : '\0';
            switch (style)
            {
                case QuoteStyle.DoubleMarks when c is LeftDouble or '\u00AB':
                    return false;
                case QuoteStyle.DoubleMarks when c is RightDouble or '\u00BB':
                    return true;
                case QuoteStyle.DoubleMarks when c == '"':
                    return !Opens(text, i, paragraph);
                case QuoteStyle.DoubledSingleMarks when c == LeftSingle && next == LeftSingle:
                    return false;
                case QuoteStyle.DoubledSingleMarks when (c == RightSingle && next == RightSingle) || (c == '\'' && next == '\''):
                    return !Opens(text, i, paragraph);
            }
        }

        return false;
    }

    private static bool OpensParagraph(string text, Paragraph paragraph, QuoteStyle style)
    {
        var first = text[paragraph.Start];
        var second = paragraph.Start + 1 < paragraph.End ? text[paragraph.Start + 1] : '\0';
        return style switch
        {
            QuoteStyle.DoubleMarks => first is LeftDouble or '"' or '\u00AB',
            _ => (first == LeftSingle && second == LeftSingle) || (first == '\'' && second == '\''),
        };
    }

    private static readonly HashSet<string> Abbreviations = new(StringComparer.OrdinalIgnoreCase)
    {
        "Mr", "Mrs", "Ms", "Dr", "Gen", "Lt", "Col", "Maj", "Capt", "Sgt", "Cpl", "Adm", "Cmdr", "Gov", "Sen", "Rep", "Rev", "St", "Jr", "Sr",
        "Prof", "Pres", "Sec", "Brig", "Pvt", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "No", "vs",
        "etc", "Inc", "Co", "Corp", "Ltd", "Mt", "Ft", "approx", "est", "Dept", "Univ", "Ave",
    };

    /// <summary>Whether the word before a full stop makes it an abbreviation's dot ("Gen.", "U.S.", "J.").</summary>
    public static bool IsAbbreviation(string word) =>
        Abbreviations.Contains(word) || InitialsPattern().IsMatch(word);

    [GeneratedRegex(@"^(\p{Lu}\.)*\p{Lu}$")]
    private static partial Regex InitialsPattern();

    public static List<Sentence> Sentences(string text, Paragraph paragraph, IReadOnlyList<QuoteSpan> quotes)
    {
        var opening = quotes.Where(quote => quote.Paragraph == paragraph.Index).ToDictionary(quote => quote.OpenAt);
        var sentences = new List<Sentence>();
        var start = paragraph.Start;
        for (var i = paragraph.Start; i < paragraph.End; i++)
        {
            if (opening.TryGetValue(i, out var quote))
            {
                // A quotation is never split. It may end its sentence with the punctuation it holds.
                i = Math.Max(i, quote.CloseEnd - 1);
                var lastInside = quote.End - 1;
                while (lastInside > quote.Start && char.IsWhiteSpace(text[lastInside]))
                {
                    lastInside--;
                }

                if (".!?".Contains(text[lastInside], StringComparison.Ordinal) && EndsHere(text, quote.CloseEnd, paragraph))
                {
                    sentences.Add(new Sentence(start, quote.CloseEnd, paragraph.Index));
                    start = SkipSpaces(text, quote.CloseEnd, paragraph);
                    i = start - 1;
                }

                continue;
            }

            if (".!?".Contains(text[i], StringComparison.Ordinal) && EndsHere(text, i + 1, paragraph) && !(text[i] == '.' && IsAbbreviation(WordBefore(text, i))))
            {
                var end = i + 1;
                while (end < paragraph.End && text[end] is '"' or '\u201D' or '\u2019' or '\'' or ')')
                {
                    end++;
                }

                sentences.Add(new Sentence(start, end, paragraph.Index));
                start = SkipSpaces(text, end, paragraph);
                i = start - 1;
            }
        }

        if (start < paragraph.End)
        {
            sentences.Add(new Sentence(start, paragraph.End, paragraph.Index));
        }

        return sentences;
    }

    private static bool EndsHere(string text, int after, Paragraph paragraph)
    {
        var i = after;
        while (i < paragraph.End && text[i] is '"' or '\u201D' or '\u2019' or '\'' or ')')
        {
            i++;
        }

        if (i >= paragraph.End)
        {
            return true;
        }

        if (!char.IsWhiteSpace(text[i]))
        {
            return false;
        }

        i = SkipSpaces(text, i, paragraph);
        return i >= paragraph.End || char.IsUpper(text[i]) || char.IsDigit(text[i]) || text[i] is '"' or '\u201C' or '\u2018' or '\'';
    }

    private static int SkipSpaces(string text, int i, Paragraph paragraph)
    {
        while (i < paragraph.End && char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        return i;
    }

    private static string WordBefore(string text, int dot)
    {
        var start = dot;
        while (start > 0 && (char.IsLetter(text[start - 1]) || text[start - 1] == '.'))
        {
            start--;
        }

        return text[start..dot];
    }

    /// <summary>Words (with abbreviation dots kept) and commas, semicolons, colons and dashes, with their offsets.</summary>
    public static List<Word> Words(string text, int start, int end)
    {
        var words = new List<Word>();
        foreach (Match match in WordPattern().Matches(text[start..end]))
        {
            var value = match.Value;
            if (value.Length > 1 && value.EndsWith('.') && !IsAbbreviation(value[..^1]))
            {
                value = value[..^1];
            }

            words.Add(new Word(value, start + match.Index, start + match.Index + value.Length));
        }

        return words;
    }

    [GeneratedRegex(@"[\p{L}\p{N}]+(?:[.’'\-/][\p{L}\p{N}]+)*\.?|[,;:—–]")]
    private static partial Regex WordPattern();
}
