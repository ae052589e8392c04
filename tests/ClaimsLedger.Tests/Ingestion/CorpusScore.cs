using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ClaimsLedger.Ingestion.Extraction;
using ClaimsLedger.Statements;

namespace ClaimsLedger.Tests.Ingestion;

/// <summary>A hand-checked statement of the corpus (../shared/corpus/*.expected.json).</summary>
public sealed record ExpectedStatement(string Speaker, string Quote, string Kind, int CharStart, int CharEnd);

/// <summary>One article's score, by the corpus README's rule.</summary>
public sealed record ArticleScore(
    string Article,
    int Expected,
    int Found,
    int Matched,
    int Attributed,
    int IndirectExpected,
    int IndirectMatched,
    IReadOnlyList<string> Misses);

/// <summary>
/// Scores the extractor against the corpus: a found quote matches an expected one when their spans,
/// trimmed of marks and spaces, overlap in most of each one's characters; a matched span is
/// attributed when the speakers are the same after alias resolution.
/// </summary>
public static partial class CorpusScore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private sealed record ExpectedFile(List<ExpectedStatement> Statements);

    public static IReadOnlyList<string> Articles()
    {
        var directory = Path.GetDirectoryName(Support.RepositoryFiles.Corpus("README.md"))!;
        return [.. Directory.GetFiles(directory, "*.txt").Order(StringComparer.Ordinal)];
    }

    public static ArticleScore Score(string articlePath)
    {
        var article = ArticleText.Parse(File.ReadAllText(articlePath));
        var expected = JsonSerializer.Deserialize<ExpectedFile>(File.ReadAllText(Path.ChangeExtension(articlePath, ".expected.json")), Json)!.Statements;
        var found = QuoteExtractor.Extract(article);
        var body = article.Body;

        var expectedQuotes = expected.Where(statement => statement.Kind != "indirect").ToList();
        var foundQuotes = found.Where(candidate => candidate.Kind != QuoteKind.Indirect).ToList();
        var misses = new List<string>();
        var used = new HashSet<QuoteCandidate>();
        var (matched, attributed) = (0, 0);
        foreach (var statement in expectedQuotes)
        {
            var hit = foundQuotes.FirstOrDefault(candidate => !used.Contains(candidate) && Overlaps(body, statement, candidate));
            if (hit is null)
            {
                misses.Add($"missed “{statement.Quote}” ({statement.Speaker})");
                continue;
            }

            used.Add(hit);
            matched++;
            if (SameSpeaker(statement.Speaker, hit.Speaker))
            {
                attributed++;
            }
            else
            {
                misses.Add($"“{statement.Quote}”: {hit.Speaker}, expected {statement.Speaker}");
            }
        }

        misses.AddRange(foundQuotes.Where(candidate => !used.Contains(candidate)).Select(candidate => $"extra “{candidate.Quote}” ({candidate.Speaker})"));
        var expectedIndirect = expected.Where(statement => statement.Kind == "indirect").ToList();
        var foundIndirect = found.Where(candidate => candidate.Kind == QuoteKind.Indirect).ToList();
        var indirectMatched = expectedIndirect.Count(statement => foundIndirect.Any(candidate => Overlaps(body, statement, candidate)));
        return new ArticleScore(Path.GetFileName(articlePath), expectedQuotes.Count, foundQuotes.Count, matched, attributed, expectedIndirect.Count,
            indirectMatched, misses);
    }

    private static bool Overlaps(string body, ExpectedStatement statement, QuoteCandidate candidate)
    {
        var (expectedStart, expectedEnd) = Trim(body, statement.CharStart, statement.CharEnd);
        var (foundStart, foundEnd) = Trim(body, candidate.Start, candidate.End);
        var overlap = Math.Min(expectedEnd, foundEnd) - Math.Max(expectedStart, foundStart);
        return overlap > 0 && overlap * 2 > expectedEnd - expectedStart && overlap * 2 > foundEnd - foundStart;
    }

    private static (int Start, int End) Trim(string body, int start, int end)
    {
        const string marks = " \"'“”‘’\n";
        while (start < end && marks.Contains(body[start], StringComparison.Ordinal))
        {
            start++;
        }

        while (end > start && marks.Contains(body[end - 1], StringComparison.Ordinal))
        {
            end--;
        }

        return (start, end);
    }

    /// <summary>
    /// Alias resolution for scoring: case, dots and a leading article do not matter ("U.S. Africa
    /// Command (AFRICOM)" is "US Africa Command (AFRICOM)"), nor does anything but the acronym when
    /// both name one in parentheses.
    /// </summary>
    public static bool SameSpeaker(string expected, string found)
    {
        var (a, b) = (Normalize(expected), Normalize(found));
        if (a == b)
        {
            return true;
        }

        var (acronymA, acronymB) = (Acronym().Match(a), Acronym().Match(b));
        return acronymA.Success && acronymB.Success && acronymA.Groups[1].Value == acronymB.Groups[1].Value;
    }

    private static string Normalize(string speaker)
    {
        var normalized = speaker.ToLowerInvariant().Replace("u.s.", "us", StringComparison.Ordinal).Replace(".", "", StringComparison.Ordinal)
            .Replace('’', '\'').Trim();
        return LeadingArticle().Replace(normalized, "");
    }

    [GeneratedRegex(@"^(the|a|an) ")]
    private static partial Regex LeadingArticle();

    [GeneratedRegex(@"\(([^)]+)\)")]
    private static partial Regex Acronym();

    /// <summary>The figures as docs/extraction.md prints them.</summary>
    public static string Table(IReadOnlyList<ArticleScore> scores)
    {
        var table = new StringBuilder();
        table.AppendLine("| Article | Quotes expected | Found | Matched | Span precision | Span recall | Attribution | Indirect recall |");
        table.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var score in scores)
        {
            table.AppendLine(Row(score.Article, score.Expected, score.Found, score.Matched, score.Attributed, score.IndirectExpected, score.IndirectMatched));
        }

        table.Append(Row("**Total**", scores.Sum(score => score.Expected), scores.Sum(score => score.Found), scores.Sum(score => score.Matched),
            scores.Sum(score => score.Attributed), scores.Sum(score => score.IndirectExpected), scores.Sum(score => score.IndirectMatched)));
        return table.ToString();
    }

    private static string Row(string name, int expected, int found, int matched, int attributed, int indirectExpected, int indirectMatched) =>
        string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {expected} | {found} | {matched} | {Ratio(matched, found)} | {Ratio(matched, expected)} | {Ratio(attributed, matched)} | {Ratio(indirectMatched, indirectExpected)} ({indirectMatched}/{indirectExpected}) |");

    public static string Ratio(int part, int whole) => whole == 0 ? "n/a" : ((double)part / whole).ToString("0.00", CultureInfo.InvariantCulture);
}
