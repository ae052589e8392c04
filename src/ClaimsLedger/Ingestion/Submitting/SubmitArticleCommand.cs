using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Ingestion.Extraction;
using JasperFx;
using JasperFx.CommandLine;

namespace ClaimsLedger.Ingestion.Submitting;

public sealed class SubmitArticleInput : NetCoreInput
{
    [Description("The article: plain text (optionally with the corpus header of title:/outlet:/published:/url: lines and a blank line) or HTML.")]
    public string Path { get; set; } = "";

    [Description("Base URL of the running service.")]
    public string UrlFlag { get; set; } = "http://127.0.0.1:5080";

    [Description("Who published it; the header's outlet: line when omitted.")]
    public string? OutletFlag { get; set; }

    [Description("Where it was published; the header's url: line when omitted.")]
    public string? SourceUrlFlag { get; set; }

    [Description("When it was published, at the precision known (\"2016-01-28\"); the header's published: line when omitted.")]
    public string? PublishedFlag { get; set; }

    [Description("Its headline; the header's title: line (or the page's first heading) when omitted.")]
    public string? TitleFlag { get; set; }

    [Description("Send the file as HTML even if it does not look like HTML.")]
    public bool HtmlFlag { get; set; }

    [Description("A bearer token with the recorder role; CLAIMSLEDGER_TOKEN when omitted, else a development token signed with Auth:SigningKey.")]
    public string? TokenFlag { get; set; }
}

/// <summary>
/// <c>submit-article PATH</c>: the CLI's way into the review queue. It goes through the running service's
/// HTTP API, like every other writer, so the same validation, roles and audit metadata apply.
/// </summary>
[Description("Submit an article to a running service for quote extraction and review; prints where its candidates wait.", Name = "submit-article")]
public sealed class SubmitArticleCommand : JasperFxAsyncCommand<SubmitArticleInput>
{
    public override async Task<bool> Execute(SubmitArticleInput input)
    {
        if (!File.Exists(input.Path))
        {
            await Console.Error.WriteLineAsync($"No such file: {input.Path}");
            return false;
        }

        var bytes = await File.ReadAllBytesAsync(input.Path);
        var html = input.HtmlFlag || ArticleReader.LooksLikeHtml(input.Path, bytes);
        var (request, problem) = BuildRequest(bytes, html, input);
        if (request is null)
        {
            await Console.Error.WriteLineAsync($"{input.Path}: {problem}");
            return false;
        }

        var token = input.TokenFlag ?? Environment.GetEnvironmentVariable("CLAIMSLEDGER_TOKEN");
        if (token is null)
        {
            using var host = input.BuildHost();
            token = host.Services.GetRequiredService<DevTokens>().Mint("cli-submit-article", [Roles.Recorder], TimeSpan.FromMinutes(10));
        }

        using var client = new HttpClient { BaseAddress = new Uri(input.UrlFlag), Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.PostAsJsonAsync("/api/articles", request);
        if (!response.IsSuccessStatusCode)
        {
            await Console.Error.WriteLineAsync($"The service refused the article ({(int)response.StatusCode}):");
            await Console.Error.WriteLineAsync(await response.Content.ReadAsStringAsync());
            return false;
        }

        var submission = (await response.Content.ReadFromJsonAsync<ArticleSubmission>())!;
        Console.WriteLine(submission.Duplicate
            ? $"Already submitted (same SHA-256 {submission.ContentSha256}): nothing new recorded."
            : $"Submitted: {submission.Candidates} candidates wait for review.");
        Console.WriteLine($"  Review: {input.UrlFlag.TrimEnd('/')}{submission.Url}");
        return true;
    }

    /// <summary>
    /// Text files with the corpus header send only their body, so the offsets the service stores are
    /// the offsets <c>extract</c> prints; the header's lines fill what the flags leave out.
    /// </summary>
    public static (SubmitArticle? Request, string? Problem) BuildRequest(byte[] bytes, bool html, SubmitArticleInput input)
    {
        var read = ArticleReader.Read(bytes, html ? ArticleFormat.Html : ArticleFormat.Text);
        if (read.Problem is not null)
        {
            return (null, read.Problem);
        }

        var article = read.Article!;
        var outlet = input.OutletFlag ?? article.Outlet;
        if (string.IsNullOrWhiteSpace(outlet))
        {
            return (null, "name the outlet with --outlet (or an outlet: line in the header).");
        }

        return (html
            ? new SubmitArticle(null, Encoding.UTF8.GetString(bytes), outlet, input.TitleFlag, input.SourceUrlFlag, input.PublishedFlag)
            : new SubmitArticle(article.Body, null, outlet, input.TitleFlag ?? article.Title, input.SourceUrlFlag ?? article.Url,
                input.PublishedFlag ?? article.Published), null);
    }
}
