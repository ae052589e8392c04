using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Samples;
using ClaimsLedger.Tests.Support;
using Marten;
using Marten.Events;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Wolverine;

namespace ClaimsLedger.Tests.Dashboard;

/// <summary>
/// The service on a real Kestrel listener (a browser cannot reach Alba's in-memory server), in a schema
/// of its own, with the example data, one late-recorded (and later retracted) statement whose quote
/// carries markup, and an article waiting for review; and one headless Chromium shared by the collection's tests.
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime, IDisposable
{
    /// <summary>The quote of the late statement: markup that must show as text and run nothing.</summary>
    public const string MarkupQuote = "<script>window.pwned = 1</script><img src=x onerror=\"window.pwned = 2\"> we are weighing options";

    private KestrelHost? host;
    private IPlaywright? playwright;

    public string Schema { get; } = $"t_{Guid.NewGuid():N}"[..20];

    public Uri BaseAddress { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public SampleLoadResult Sample { get; private set; } = null!;

    public Guid LateStatementId { get; private set; }

    public Guid ArticleId { get; private set; }

    public string DodTimelinePath => $"/api/positions/organizations/{Sample.Ids["dod"]}/topics/{Sample.Ids["libya"]}";

    public string TokenFor(string role) =>
        host!.Services.GetRequiredService<DevTokens>().Mint($"browser-{role}", [role], TimeSpan.FromHours(1));

    public HttpClient Api(string role)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TokenFor(role));
        return client;
    }

    public async Task InitializeAsync()
    {
        await AppFixture.SetUpSchemaAsync(Schema);
        host = new KestrelHost(Schema);
        host.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        host.StartServer();
        var addresses = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        BaseAddress = new Uri(addresses.Addresses.First());

        await LoadDataAsync();
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium.Path,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    private async Task LoadDataAsync()
    {
        using var client = new HttpClient { BaseAddress = BaseAddress };
        var set = await SampleLoader.ReadAsync(RepositoryFiles.Path("samples", "libya-2016.json"), CancellationToken.None);
        Sample = await new SampleLoader(client, TokenFor, "libya-2016").LoadAsync(set, CancellationToken.None);

        // Said on 26 January, recorded only now: the "as known on" picker must be able to hide it.
        using var recorder = Api(Roles.Recorder);
        var recorded = await Created(await recorder.PostAsJsonAsync("/api/statements", new
        {
            speakerId = Sample.Ids["cook"],
            quote = MarkupQuote,
            kind = "indirect",
            statedAt = "2016-01-26",
            topicIds = new[] { Sample.Ids["libya"] },
            source = new { outlet = "Browser test <b>Gazette</b>", url = "https://example.org/late-report", publishedAt = "2016-01-26" },
        }));
        LateStatementId = recorded.GetProperty("id").GetGuid();
        using var editor = Api(Roles.Editor);
        (await editor.PostAsJsonAsync($"/api/statements/{LateStatementId}/stances",
            new { topicId = Sample.Ids["libya"], stance = "considering-options", rationale = "Weighing options", expectedVersion = 1 }))
            .EnsureSuccessStatusCode();
        // Walked back later: it stays on the timeline, marked, and no longer counts as a position.
        (await editor.PostAsJsonAsync($"/api/statements/{LateStatementId}/retraction",
            new { retractedAt = "2016-01-29", note = "Walked back <i>the next day</i>", expectedVersion = 2 }))
            .EnsureSuccessStatusCode();

        var text = await File.ReadAllTextAsync(RepositoryFiles.Path("samples", "articles", "pentagon-libya-demo.txt"));
        var article = await Created(await recorder.PostAsJsonAsync("/api/articles",
            new { text = text.Split("\n\n", 2)[1], outlet = "ClaimsLedger demo (illustrative text)", publishedAt = "2016-01-28" }));
        ArticleId = article.GetProperty("id").GetGuid();

        await host!.Services.GetRequiredService<IDocumentStore>().WaitForNonStaleProjectionDataAsync(AppFixture.ProjectionCatchUp);
    }

    private static async Task<System.Text.Json.JsonElement> Created(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{(int)response.StatusCode}: {body}");
        }

        return System.Text.Json.JsonDocument.Parse(body).RootElement.Clone();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        playwright?.Dispose();
        if (host is not null)
        {
            await host.DisposeAsync();
        }
    }

    public void Dispose() => host?.Dispose();

}

/// <summary>Where Debian's chromium is (ops/lib/chromium.sh installs it); CLAIMSLEDGER_CHROMIUM overrides.</summary>
public static class Chromium
{
    public static string Path =>
        Environment.GetEnvironmentVariable("CLAIMSLEDGER_CHROMIUM") is { Length: > 0 } configured ? configured
        : File.Exists("/usr/bin/chromium") ? "/usr/bin/chromium"
        : throw new InvalidOperationException("No chromium at /usr/bin/chromium: run ops/test (it installs Debian's chromium) or set CLAIMSLEDGER_CHROMIUM.");
}

[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardFixture>
{
    public const string Name = "dashboard";
}
