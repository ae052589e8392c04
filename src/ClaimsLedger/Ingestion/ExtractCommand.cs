using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using ClaimsLedger.Ingestion.Extraction;
using JasperFx;
using JasperFx.CommandLine;

namespace ClaimsLedger.Ingestion;

/// <summary>
/// <c>extract [--html] PATH</c>: the quote candidates of one article, as JSON on standard output.
/// Program runs it before the command framework starts, which would print its discovery banner to
/// standard output and spoil the JSON for a pipe.
/// </summary>
public static class ExtractCli
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static bool Handles(string[] args) => args.Length > 0 && args[0].Equals("extract", StringComparison.OrdinalIgnoreCase);

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var html = args.Skip(1).Any(arg => arg == "--html");
        var paths = args.Skip(1).Where(arg => !arg.StartsWith("--", StringComparison.Ordinal)).ToList();
        if (paths.Count == 0)
        {
            await error.WriteLineAsync("Usage: extract [--html] PATH   (plain text, the corpus format with its header, or HTML)");
            return 2;
        }

        var path = paths[^1];
        if (!File.Exists(path))
        {
            await error.WriteLineAsync($"No such file: {path}");
            return 1;
        }

        var bytes = await File.ReadAllBytesAsync(path);
        var read = ArticleReader.Read(bytes, html || ArticleReader.LooksLikeHtml(path, bytes) ? ArticleFormat.Html : ArticleFormat.Text);
        if (read.Problem is { } problem)
        {
            await error.WriteLineAsync($"{path}: {problem}");
            return 1;
        }

        var candidates = QuoteExtractor.Extract(read.Article!).Select(CandidateJson.Of);
        await output.WriteLineAsync(JsonSerializer.Serialize(candidates, Json));
        return 0;
    }
}

public sealed class ExtractInput : NetCoreInput
{
    [Description("The article: plain text (optionally with the corpus header of title:/outlet:/published:/url: lines and a blank line) or HTML.")]
    public string Path { get; set; } = "";

    [Description("Read the file as HTML even if it does not look like HTML.")]
    public bool HtmlFlag { get; set; }
}

/// <summary>Listed by <c>help</c>; Program runs <see cref="ExtractCli"/> before the framework ever reaches it.</summary>
[Description("Print the quote candidates of one article as JSON (offsets into the body after the header's blank line).", Name = "extract")]
public sealed class ExtractCommand : JasperFxAsyncCommand<ExtractInput>
{
    public override async Task<bool> Execute(ExtractInput input) =>
        await ExtractCli.RunAsync(input.HtmlFlag ? ["extract", "--html", input.Path] : ["extract", input.Path], Console.Out, Console.Error) == 0;
}

/// <summary>A candidate as the command line and the API print it.</summary>
public sealed record CandidateJson(
    int Start,
    int End,
    string Quote,
    string Speaker,
    string? SpeakerAsWritten,
    string Kind,
    string? Verb,
    double Confidence,
    string SpeakerKind,
    string? SpeakerRole,
    string Route,
    int? SplitGroup)
{
    public static CandidateJson Of(QuoteCandidate candidate) =>
        new(candidate.Start, candidate.End, candidate.Quote, candidate.Speaker, candidate.SpeakerAsWritten, candidate.Kind.ToString().ToLowerInvariant(),
            candidate.Verb, candidate.Confidence, candidate.SpeakerKind.ToString().ToLowerInvariant(), candidate.SpeakerRole,
            JsonNamingPolicy.KebabCaseLower.ConvertName(candidate.Route.ToString()), candidate.SplitGroup);
}
