using ClaimsLedger.Tests.Support;
using Microsoft.Playwright;
using Shouldly;

namespace ClaimsLedger.Tests.Dashboard;

/// <summary>
/// One browser context (its own sessionStorage) on the dashboard, optionally signed in as a role, that
/// records what must never happen: a Content-Security-Policy violation, a script error, a dialog.
/// </summary>
public sealed class BrowserSession : IAsyncDisposable
{
    private readonly List<string> violations = [];

    private BrowserSession(IBrowserContext context, IPage page)
    {
        Context = context;
        Page = page;
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    public IReadOnlyList<string> Violations => violations;

    public static readonly ViewportSize Desktop = new() { Width = 1280, Height = 800 };

    public static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    public static async Task<BrowserSession> OpenAsync(DashboardFixture fixture, string? role, ViewportSize? viewport = null)
    {
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = fixture.BaseAddress.ToString(),
            ViewportSize = viewport ?? Desktop,
            TimezoneId = "UTC",
            Locale = "en-GB",
        });
        if (role is not null)
        {
            // What the sign-in page stores, set before the app's modules run.
            await context.AddInitScriptAsync($"sessionStorage.setItem('claimsledger.token', '{fixture.TokenFor(role)}');");
        }

        var page = await context.NewPageAsync();
        var session = new BrowserSession(context, page);
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !message.Text.Contains("404", StringComparison.Ordinal))
            {
                session.violations.Add($"console: {message.Text}");
            }
        };
        page.PageError += (_, error) => session.violations.Add($"page error: {error}");
        page.Dialog += async (_, dialog) =>
        {
            session.violations.Add($"dialog: {dialog.Message}");
            await dialog.DismissAsync();
        };
        return session;
    }

    public async Task<IPage> GoAsync(string hash)
    {
        await Page.GotoAsync($"/{hash}");
        return Page;
    }

    /// <summary>Nothing was refused by the CSP, nothing threw, no dialog opened, no injected script ran.</summary>
    public async Task ShouldBeCleanAsync()
    {
        violations.ShouldBeEmpty();
        (await Page.EvaluateAsync<bool>("() => window.pwned === undefined")).ShouldBeTrue("markup from the data ran");
    }

    /// <summary>
    /// Saves a screenshot to the test output (bin/.../screenshots/, the run's artefacts); with
    /// CLAIMSLEDGER_WRITE_DOCS=1 also as the current one in docs/screenshots/, so a plain test run leaves
    /// the work tree clean.
    /// </summary>
    public async Task ScreenshotAsync(string name)
    {
        var output = Path.Combine(AppContext.BaseDirectory, "screenshots", $"{name}.png");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = output, FullPage = false });
        if (Environment.GetEnvironmentVariable("CLAIMSLEDGER_WRITE_DOCS") == "1")
        {
            var docs = RepositoryFiles.Path("docs", "screenshots");
            Directory.CreateDirectory(docs);
            File.Copy(output, Path.Combine(docs, $"{name}.png"), overwrite: true);
        }
    }

    public async ValueTask DisposeAsync() => await Context.CloseAsync();
}
