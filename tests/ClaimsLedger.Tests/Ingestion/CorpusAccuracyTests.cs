using ClaimsLedger.Tests.Support;
using Shouldly;
using Xunit.Abstractions;

namespace ClaimsLedger.Tests.Ingestion;

/// <summary>
/// The extractor over every article of ../shared/corpus: span precision and recall of direct and
/// partial quotes, attribution accuracy on matched spans, recall of indirect statements. The figures
/// are the ones docs/extraction.md prints; the test fails when they fall under the bar or when the
/// document no longer says what the code measures.
/// </summary>
public class CorpusAccuracyTests(ITestOutputHelper output)
{
    private const double MinimumSpanRecall = 0.90;
    private const double MinimumSpanPrecision = 0.90;
    private const double MinimumAttribution = 0.85;
    private const string FiguresStart = "<!-- figures: written by CorpusAccuracyTests; CLAIMSLEDGER_WRITE_DOCS=1 ops/test --filter CorpusAccuracy rewrites them -->";
    private const string FiguresEnd = "<!-- end of figures -->";

    [Fact]
    public void The_extractor_meets_the_bar_on_every_corpus_article_together()
    {
        var scores = CorpusScore.Articles().Select(CorpusScore.Score).ToList();
        scores.ShouldNotBeEmpty();
        foreach (var score in scores)
        {
            output.WriteLine($"{score.Article}: expected {score.Expected}, found {score.Found}, matched {score.Matched}, attributed {score.Attributed}, " +
                             $"indirect {score.IndirectMatched}/{score.IndirectExpected}");
            foreach (var miss in score.Misses)
            {
                output.WriteLine($"    {miss}");
            }
        }

        var table = CorpusScore.Table(scores);
        output.WriteLine(table);

        var (expected, found, matched, attributed) = (scores.Sum(s => s.Expected), scores.Sum(s => s.Found), scores.Sum(s => s.Matched), scores.Sum(s => s.Attributed));
        ((double)matched / expected).ShouldBeGreaterThanOrEqualTo(MinimumSpanRecall, "span recall");
        ((double)matched / found).ShouldBeGreaterThanOrEqualTo(MinimumSpanPrecision, "span precision");
        ((double)attributed / matched).ShouldBeGreaterThanOrEqualTo(MinimumAttribution, "attribution accuracy");

        var docs = RepositoryFiles.Path("docs", "extraction.md");
        var text = File.ReadAllText(docs);
        var start = text.IndexOf(FiguresStart, StringComparison.Ordinal);
        var end = text.IndexOf(FiguresEnd, StringComparison.Ordinal);
        (start >= 0 && end > start).ShouldBeTrue($"docs/extraction.md must hold the figures between the markers \"{FiguresStart}\" and \"{FiguresEnd}\".");
        var current = text[(start + FiguresStart.Length)..end].Trim('\n');
        if (Environment.GetEnvironmentVariable("CLAIMSLEDGER_WRITE_DOCS") == "1")
        {
            File.WriteAllText(docs, text[..(start + FiguresStart.Length)] + "\n" + table + "\n" + text[end..]);
            return;
        }

        current.ShouldBe(table.Trim('\n'), "docs/extraction.md does not print what the extractor now measures; rerun with CLAIMSLEDGER_WRITE_DOCS=1.");
    }
}
