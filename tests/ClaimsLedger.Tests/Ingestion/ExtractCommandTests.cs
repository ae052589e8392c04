using System.Text;
using System.Text.Json;
using ClaimsLedger.Ingestion;
using ClaimsLedger.Ingestion.Extraction;
using ClaimsLedger.Tests.Support;
using CsCheck;
using Shouldly;

namespace ClaimsLedger.Tests.Ingestion;

public class ExtractCommandTests
{
    [Fact]
    public async Task Extract_prints_each_candidate_with_offsets_into_the_body_after_the_header()
    {
        var path = RepositoryFiles.Corpus("00-seed-libya.txt");
        var body = ArticleText.Parse(await File.ReadAllTextAsync(path)).Body;
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await ExtractCli.RunAsync(["extract", path], output, error);

        exit.ShouldBe(0, error.ToString());
        var candidates = JsonDocument.Parse(output.ToString()).RootElement.EnumerateArray().ToList();
        candidates.ShouldNotBeEmpty();
        foreach (var candidate in candidates)
        {
            foreach (var field in new[] { "start", "end", "quote", "speaker", "kind", "confidence" })
            {
                candidate.TryGetProperty(field, out _).ShouldBeTrue($"{field} in {candidate}");
            }

            var (start, end) = (candidate.GetProperty("start").GetInt32(), candidate.GetProperty("end").GetInt32());
            body[start..end].ShouldBe(candidate.GetProperty("quote").GetString());
            candidate.GetProperty("kind").GetString().ShouldBeOneOf("direct", "partial", "indirect");
        }

        var cook = candidates.First(candidate => candidate.GetProperty("quote").GetString() == "looking at military options");
        cook.GetProperty("speaker").GetString().ShouldBe("Peter Cook");
        cook.GetProperty("speakerAsWritten").GetString().ShouldBe("Peter Cook");
        cook.GetProperty("verb").GetString().ShouldBe("said");
    }

    [Fact]
    public async Task Extract_reads_html_files_and_refuses_missing_or_unreadable_ones()
    {
        var html = Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.html");
        var latin1 = Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(html, "<html><body><p>“We are ready,” said Jane Smith.</p><script>“x,” said y</script></body></html>");
        await File.WriteAllBytesAsync(latin1, Encoding.Latin1.GetBytes("Caf\u00e9 \u00ab quoted \u00bb"));
        try
        {
            using var output = new StringWriter();
            (await ExtractCli.RunAsync(["extract", html], output, TextWriter.Null)).ShouldBe(0);
            var candidate = JsonDocument.Parse(output.ToString()).RootElement.EnumerateArray().ShouldHaveSingleItem();
            candidate.GetProperty("speaker").GetString().ShouldBe("Jane Smith");

            using var error = new StringWriter();
            (await ExtractCli.RunAsync(["extract", latin1], TextWriter.Null, error)).ShouldBe(1);
            error.ToString().ShouldContain("not UTF-8");
            (await ExtractCli.RunAsync(["extract", "/no/such/file.txt"], TextWriter.Null, TextWriter.Null)).ShouldBe(1);
            (await ExtractCli.RunAsync(["extract"], TextWriter.Null, TextWriter.Null)).ShouldBe(2);
        }
        finally
        {
            File.Delete(html);
            File.Delete(latin1);
        }
    }

    [Fact]
    public void Whatever_the_text_the_extractor_answers_and_every_span_is_the_quote_it_names()
    {
        var marks = Gen.OneOf<char>('“', '”', '‘', '’', '"', '\'', ',', '.', ' ', '\n', 'a', 'B', 's', 'a', 'i', 'd', '—', '(', ')', ':');
        var words = Gen.OneOf<string>(" said ", " Cook ", " he noted ", " the ", " so-called ", ", a spokesman, ", " according to ", " Gen. ", " U.S. ", "\n\n");
        var text = Gen.OneOf<string>(marks.Select(mark => mark.ToString()), words).Array[0, 200].Select(parts => string.Concat(parts));

        text.Sample(body =>
        {
            foreach (var candidate in QuoteExtractor.Extract(new ArticleText(body)))
            {
                (candidate.Start >= 0 && candidate.End <= body.Length && candidate.Start < candidate.End).ShouldBeTrue();
                body[candidate.Start..candidate.End].ShouldBe(candidate.Quote);
                candidate.Confidence.ShouldBeInRange(0, 1);
                candidate.Speaker.ShouldNotBeNullOrWhiteSpace();
            }
        }, iter: 5_000);
    }
}
