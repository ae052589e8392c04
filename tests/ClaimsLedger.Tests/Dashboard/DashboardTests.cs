using System.Globalization;
using System.Net.Http.Json;
using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Positions.GettingTimelines;
using ClaimsLedger.Statements;
using Microsoft.Playwright;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace ClaimsLedger.Tests.Dashboard;

/// <summary>The dashboard in headless Chromium against the real service on Kestrel, with the example data.</summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardTests(DashboardFixture fixture)
{
    private string TimelineHash => $"#/timeline/organizations/{fixture.Sample.Ids["dod"]}/{fixture.Sample.Ids["libya"]}";

    private async Task<PositionTimelineView> TimelineAsync(string query = "")
    {
        using var api = fixture.Api(Roles.Reader);
        return (await api.GetFromJsonAsync<PositionTimelineView>(fixture.DodTimelinePath + query, ClaimsLedger.Samples.SampleLoader.Json))!;
    }

    private static ILocator Rows(IPage page) => page.Locator("#points tbody tr");

    /// <summary>
    /// Moves the mouse onto a plotted point: asks the page's own ECharts module (the same module instance
    /// the dashboard loaded) where the chart drew [index, rank].
    /// </summary>
    private static async Task HoverPointAsync(IPage page, int seriesIndex, int index, int rank)
    {
        var at = await page.EvaluateAsync<double[]>(
            @"async ([series, x, y]) => {
                const echarts = await import('/vendor/echarts-6.1.0/echarts.esm.min.js');
                const chart = document.getElementById('timeline-chart');
                const [px, py] = echarts.getInstanceByDom(chart).convertToPixel({ seriesIndex: series }, [x, y]);
                const box = chart.getBoundingClientRect();
                return [box.left + px, box.top + py];
            }", new object[] { seriesIndex, index, rank });
        await page.Mouse.MoveAsync((float)at[0], (float)at[1]);
    }

    [Fact]
    public async Task The_overview_follows_the_positions_feed_while_it_answers_and_resumes_from_the_last_event()
    {
        await using var browser = await BrowserSession.OpenAsync(fixture, Roles.Reader);
        var requests = 0;
        string? resumedFrom = null;
        // The feed is another branch's work: stand in for it with one event, then let it disappear.
        await browser.Page.RouteAsync("**/api/feed/positions", async route =>
        {
            if (Interlocked.Increment(ref requests) == 1)
            {
                route.Request.Headers["authorization"].ShouldStartWith("Bearer ");
                await route.FulfillAsync(new RouteFulfillOptions
                {
                    Status = 200,
                    ContentType = "text/event-stream",
                    Body = ": comment\nid: 7\nevent: PositionChanged\ndata: {\"timelineId\":\ndata: \"x\"}\n\n",
                });
                return;
            }

            route.Request.Headers.TryGetValue("last-event-id", out resumedFrom);
            await route.FulfillAsync(new RouteFulfillOptions { Status = 404 });
        });

        var page = await browser.GoAsync("#/");
        var live = page.Locator("#live-status");
        await Expect(live).ToHaveAttributeAsync("data-messages", "1");
        // The stream ended: it reconnected by itself, sent Last-Event-ID, found no feed and fell back to polling.
        await Expect(live).ToContainTextAsync("refresh every");
        resumedFrom.ShouldBe("7");
        await browser.ShouldBeCleanAsync();
    }

    [Fact]
    public async Task A_statement_recorded_through_the_api_appears_on_the_open_overview_without_a_reload()
    {
        await using var browser = await BrowserSession.OpenAsync(fixture, Roles.Reader);
        var page = await browser.GoAsync("#/");
        await Expect(page.Locator("#live-status")).ToContainTextAsync("Live:");
        await page.EvaluateAsync("() => { window.notReloaded = true; }");

        using var editor = fixture.Api(Roles.Editor);
        var topic = await editor.PostAsJsonAsync("/api/topics", new
        {
            title = $"Live topic {Guid.NewGuid():N}",
            ladder = new[] { new { key = "ruled-out", label = "Ruled out" }, new { key = "acting", label = "Acting" } },
        });
        topic.EnsureSuccessStatusCode();
        var topicId = (await topic.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetGuid();
        // A made-up speaker: the screenshots must not put invented words in a real official's mouth.
        var speaker = await editor.PostAsJsonAsync("/api/speakers", new { name = "Live Test Speaker", kind = "person" });
        speaker.EnsureSuccessStatusCode();
        var speakerId = (await speaker.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetGuid();
        const string quote = "A test statement, recorded while the overview is open";
        var recorded = await editor.PostAsJsonAsync("/api/statements", new
        {
            speakerId,
            quote,
            kind = "direct",
            statedAt = "2016-03-01",
            topicIds = new[] { topicId },
            source = new { outlet = "Live Wire", url = "https://example.org/live" },
        });
        recorded.EnsureSuccessStatusCode();
        var statementId = (await recorded.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetGuid();
        (await editor.PostAsJsonAsync($"/api/statements/{statementId}/stances", new { topicId, stance = "acting", expectedVersion = 1 })).EnsureSuccessStatusCode();

        // The position moved; the feed says so after commit and the open page redraws its lists.
        await Expect(page.Locator("#recent-statements")).ToContainTextAsync(quote, new() { Timeout = 45_000 });
        (await page.EvaluateAsync<bool>("() => window.notReloaded === true")).ShouldBeTrue();
        await browser.ShouldBeCleanAsync();
    }

    [Fact]
    public async Task An_auditor_sees_each_event_of_a_statement_proved_in_the_latest_checkpoint_by_the_browser_itself()
    {
        using var auditorApi = fixture.Api(Roles.Auditor);
        var issued = await auditorApi.PostAsync("/api/ledger/checkpoints", null);
        issued.EnsureSuccessStatusCode();
        var statement = fixture.Sample.Ids["cook-military-options"];

        await using var browser = await BrowserSession.OpenAsync(fixture, Roles.Auditor);
        var page = await browser.GoAsync($"#/statements/{statement}");

        await Expect(page.Locator("#ledger-checkpoint")).ToContainTextAsync("Latest signed checkpoint");
        // Recorded, assessed, linked to the example claim: all precede the checkpoint, and every path leads to its root.
        await Expect(page.Locator("#stream-events [data-proof=verified]")).ToHaveCountAsync(3);
        await Expect(page.Locator("#stream-events tbody tr")).ToHaveCountAsync(3);
        await Expect(page.Locator("#stream-events [data-proof=failed]")).ToHaveCountAsync(0);

        // The same check refuses a root the path does not lead to.
        var checkpoint = await (await auditorApi.GetAsync("/api/ledger/checkpoints/latest")).Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        var proof = await (await auditorApi.GetAsync($"/api/ledger/proofs/inclusion?sequence=1&treeSize={checkpoint.GetProperty("treeSize").GetInt64()}"))
            .Content.ReadAsStringAsync();
        var root = checkpoint.GetProperty("rootHash").GetString()!;
        var tampered = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData("not the root"u8));
        const string check = "async ([proof, root]) => (await import('/js/merkle.js')).verifyInclusion(JSON.parse(proof), root)";
        (await page.EvaluateAsync<bool>(check, new object[] { proof, root })).ShouldBeTrue();
        (await page.EvaluateAsync<bool>(check, new object[] { proof, tampered })).ShouldBeFalse();
        await browser.ShouldBeCleanAsync();
    }

    [Fact]
    public async Task Signing_in_with_a_pasted_token_shows_the_overview_and_signing_out_forgets_it()
    {
        await using var browser = await BrowserSession.OpenAsync(fixture, role: null);
        var page = await browser.GoAsync("#/");

        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("#/signin$"));
        await page.GetByLabel("Bearer token").FillAsync(fixture.TokenFor(Roles.Reader));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Expect(page.Locator("#who")).ToContainTextAsync("browser-reader");
        await Expect(page.Locator("#recent-shifts .badge").First).ToHaveTextAsync("Half Flip");
        await Expect(page.Locator("#recent-statements li").First).ToBeVisibleAsync();
        await Expect(page.Locator("#timeline-list")).ToContainTextAsync("U.S. Department of Defense");
        await Expect(page.Locator("#projection-health")).ToContainTextAsync("History");
        await Expect(page.Locator("#activity svg").First).ToBeVisibleAsync();
        await Expect(page.Locator("#live-status")).ToContainTextAsync("Live:");
        await browser.ScreenshotAsync("overview");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("#/signin$"));
        (await page.EvaluateAsync<string?>("() => sessionStorage.getItem('claimsledger.token')")).ShouldBeNull();
        await browser.ShouldBeCleanAsync();
    }

    [Fact]
    public async Task The_pentagon_timeline_draws_its_points_in_stated_order_on_the_ladder()
    {
        var timeline = await TimelineAsync();
        await using var browser = await BrowserSession.OpenAsync(fixture, Roles.Reader);
        var page = await browser.GoAsync(TimelineHash);

        await Expect(page.Locator("h1")).ToHaveTextAsync("U.S. Department of Defense");
        await Expect(Rows(page)).ToHaveCountAsync(timeline.Entries.Count);
        var quotes = await page.Locator("#points tbody tr td.quote-cell button").AllTextContentsAsync();
        quotes.ShouldBe(timeline.Entries.Select(entry => entry.Quote));
        quotes[0].ShouldBe("flexible and nimble response");
        var stated = await page.Locator("#points tbody tr td:nth-child(2)").AllTextContentsAsync();
        stated.ShouldBe(timeline.Entries.Select(entry => entry.StatedAt.ToString()));
        (await page.Locator("#points tbody tr td:nth-child(3)").AllTextContentsAsync()).ShouldBe(timeline.Entries.Select(entry => entry.Stance.Label));
        await Expect(page.Locator("#points .badge.half-flip").First).ToBeVisibleAsync();

        // The chart: the ladder's rungs as the y axis, in ladder order, and one mark per point.
        await Expect(page.Locator("#timeline-chart")).ToHaveAttributeAsync("data-points", timeline.Entries.Count.ToString(CultureInfo.InvariantCulture));
        var axisText = await page.Locator("#timeline-chart svg text").AllTextContentsAsync();
        var rungs = timeline.Topic.Ladder.Select(rung => rung.Label).ToList();
        axisText.Where(rungs.Contains).Distinct().ShouldBe(rungs);

        // The walked-back statement stays, marked, off the position line.
        await Expect(page.Locator("#timeline-chart")).ToHaveAttributeAsync("data-retracted", "1");
        await Expect(page.Locator($"#points tr.retracted[data-statement='{fixture.LateStatementId}'] .badge")).ToHaveTextAsync("Retracted");

        // Hovering a point shows its quote, speaker, role, stated time, stance and outlet.
        var options = timeline.Entries.ToList().FindIndex(entry => entry.Quote == "looking at military options");
        await HoverPointAsync(page, seriesIndex: 0, options, timeline.Entries[options].Stance.Rank);
        var tip = page.Locator("#timeline-chart .tip");
        await Expect(tip).ToContainTextAsync("looking at military options");
        await Expect(tip).ToContainTextAsync("Peter Cook, Pentagon spokesman");
        await Expect(tip).ToContainTextAsync("2016-01-27 · Considering options");

        // Selecting a point (by keyboard, from the table) shows its statement with the source link.
        await page.Locator("#points tbody tr").Nth(options).Locator("button").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#point-detail")).ToContainTextAsync("looking at military options");
        await Expect(page.Locator("#point-detail a[href='https://i-hls.com/archives/68094']")).ToBeVisibleAsync();
        await page.EvaluateAsync("() => window.scrollTo(0, 0)");
        await browser.ScreenshotAsync("timeline");
        await browser.ShouldBeCleanAsync();
    }

    [Fact]
    public async Task As_known_before_a_late_recorded_statement_the_timeline_does_not_show_it_and_as_of_cuts_it_at_a_stated_day()
    {
        var timeline = await TimelineAsync();
        var late = timeline.Entries.Single(entry => entry.StatementId == fixture.LateStatementId);
        // A millisecond before the server stamped it, and after everything else on the timeline was recorded.
        var knownAt = new DateTimeOffset(late.RecordedAt.Ticks / TimeSpan.TicksPerMillisecond * TimeSpan.TicksPerMillisecond, TimeSpan.Zero)
            .AddMilliseconds(-1).ToUniversalTime();
        timeline.Entries.Where(entry => entry != late).ShouldAllBe(entry => entry.RecordedAt <= knownAt);
        var before = await TimelineAsync($"?knownAt={Uri.EscapeDataString(knownAt.ToString("O", CultureInfo.InvariantCulture))}");
        before.Entries.Count.ShouldBe(timeline.Entries.Count - 1);

        await using var browser = await BrowserSession.OpenAsync(fixture, Roles.Reader);
        var page = await browser.GoAsync(TimelineHash);
        await Expect(Rows(page)).ToHaveCountAsync(timeline.Entries.Count);
        await Expect(page.Locator($"#points tr[data-statement='{fixture.LateStatementId}']")).ToHaveCountAsync(1);

        await page.GetByLabel("As known on (recorded, UTC)").FillAsync(DateTimeLocalValue(knownAt));
        await Expect(Rows(page)).ToHaveCountAsync(before.Entries.Count);
        await Expect(page.Locator($"#points tr[data-statement='{fixture.LateStatementId}']")).ToHaveCountAsync(0);
        await Expect(page.Locator("#timeline-chart")).ToHaveAttributeAsync("data-points", before.Entries.Count.ToString(CultureInfo.InvariantCulture));
        (await page.Locator("#points tbody tr td.quote-cell button").AllTextContentsAsync()).ShouldBe(before.Entries.Select(entry => entry.Quote));

        // As of 26 January 2016 (stated), as known now: the month-precise statement and the late one.
        await page.GetByRole(AriaRole.Button, new() { Name = "Now" }).ClickAsync();
        await Expect(Rows(page)).ToHaveCountAsync(timeline.Entries.Count);
        await page.GetByLabel("As of (stated)").FillAsync("2016-01-26");
        var asOf = await TimelineAsync("?asOf=2016-01-26");
        await Expect(Rows(page)).ToHaveCountAsync(asOf.Entries.Count);
        (await page.Locator("#points tbody tr td:nth-child(2)").AllTextContentsAsync()).ShouldBe(["2016-01", "2016-01-26"]);
        page.Url.ShouldContain("asOf=2016-01-26");
        await browser.ShouldBeCleanAsync();
    }

    [Fact]
    public async Task Markup_in_a_quote_and_an_outlet_shows_as_text_and_runs_nothing()
    {
        await using var browser = await BrowserSession.OpenAsync(fixture, Roles.Auditor);
        var page = await browser.GoAsync(TimelineHash);
        var row = page.Locator($"#points tr[data-statement='{fixture.LateStatementId}']");
        await Expect(row).ToContainTextAsync(DashboardFixture.MarkupQuote);
        await Expect(row).ToContainTextAsync("Browser test <b>Gazette</b>");
        await row.Locator("button").ClickAsync();
        await Expect(page.Locator("#point-detail")).ToContainTextAsync(DashboardFixture.MarkupQuote);
        await Expect(page.Locator("#point-detail")).ToContainTextAsync("Walked back <i>the next day</i>");
        var late = (await TimelineAsync()).Entries.ToList().FindIndex(entry => entry.StatementId == fixture.LateStatementId);
        await HoverPointAsync(page, seriesIndex: 1, late, rank: 2);
        await Expect(page.Locator("#timeline-chart .tip")).ToContainTextAsync(DashboardFixture.MarkupQuote);

        await page.GotoAsync($"/#/statements/{fixture.LateStatementId}");
        await Expect(page.Locator("#statement-quote")).ToHaveTextAsync($"“{DashboardFixture.MarkupQuote}”");
        await Expect(page.Locator("#stream-events tbody tr").First).ToContainTextAsync("statement_recorded");

        await page.GotoAsync("/#/search?q=weighing");
        await Expect(page.Locator("#search-results .result").First).ToBeVisibleAsync();
        await Expect(page.Locator("#search-results")).ToContainTextAsync("<script>");

        (await page.Locator("main img, main script, main b").CountAsync()).ShouldBe(0);
        await browser.ShouldBeCleanAsync();
    }

    [Fact]
    public async Task A_reader_sees_the_review_queue_without_write_controls_and_a_recorder_can_decide()
    {
        await using (var reader = await BrowserSession.OpenAsync(fixture, Roles.Reader))
        {
            var page = await reader.GoAsync("#/review");
            await page.Locator($"#review-queue a[href='#/review/{fixture.ArticleId}']").ClickAsync();
            await Expect(page.Locator("#candidates > li").First).ToContainTextAsync("military options");
            await Expect(page.Locator("#candidates button")).ToHaveCountAsync(0);
            await Expect(page.Locator("#nav")).Not.ToContainTextAsync("Audit");
            await reader.ShouldBeCleanAsync();
        }

        await using var recorder = await BrowserSession.OpenAsync(fixture, Roles.Recorder);
        var recorderPage = await recorder.GoAsync($"#/review/{fixture.ArticleId}");
        var headline = recorderPage.Locator("#candidates > li").First;
        await Expect(headline.GetByRole(AriaRole.Button, new() { Name = "Accept" })).ToBeVisibleAsync();
        await Expect(headline.GetByRole(AriaRole.Button, new() { Name = "Reject" })).ToBeVisibleAsync();
        await headline.GetByLabel("Reason to reject").FillAsync("headline");
        await headline.GetByRole(AriaRole.Button, new() { Name = "Reject" }).ClickAsync();
        await Expect(recorderPage.Locator("#candidates > li").First.Locator(".badge")).ToHaveTextAsync("rejected");
        await recorder.ShouldBeCleanAsync();
    }

    [Fact]
    public async Task Search_highlights_the_matching_words()
    {
        await using var browser = await BrowserSession.OpenAsync(fixture, Roles.Reader);
        var page = await browser.GoAsync("#/search");
        await page.GetByLabel("Words or \"a phrase\"").FillAsync("military options");
        await page.Keyboard.PressAsync("Enter");

        var first = page.Locator("#search-results .result").First;
        await Expect(first).ToContainTextAsync("looking at military options");
        (await first.Locator("mark").AllTextContentsAsync()).ShouldBe(["military", "options"]);
        await browser.ScreenshotAsync("search");
        await browser.ShouldBeCleanAsync();
    }

    [Fact]
    public async Task The_claim_history_and_cooks_scorecard_show_the_revised_verdict()
    {
        await using var browser = await BrowserSession.OpenAsync(fixture, Roles.Reader);
        var page = await browser.GoAsync($"#/claims/{fixture.Sample.Ids["claim-us-weighing-military-action"]}");
        await Expect(page.Locator("#claim-verdict")).ToHaveTextAsync("After the fact: True (was Half True)");
        await Expect(page.Locator("#claim-history li")).Not.ToHaveCountAsync(0);
        await browser.ScreenshotAsync("claim");

        await page.GotoAsync($"/#/speakers/{fixture.Sample.Ids["cook"]}/scorecard");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Peter Cook");
        await Expect(page.Locator("#scorecard-counts")).ToContainTextAsync("claims rated");
        await Expect(page.Locator("#scorecard-counts svg").First).ToBeVisibleAsync();
        await browser.ScreenshotAsync("scorecard");
        await browser.ShouldBeCleanAsync();
    }

    [Fact]
    public async Task The_timeline_reads_at_phone_width_and_the_audit_view_is_for_auditors()
    {
        await using (var phone = await BrowserSession.OpenAsync(fixture, Roles.Reader, BrowserSession.Phone))
        {
            var page = await phone.GoAsync(TimelineHash);
            await Expect(page.Locator("#timeline-chart svg").First).ToBeVisibleAsync();
            await Expect(Rows(page).First).ToBeVisibleAsync();
            // Nothing but the points table (which scrolls inside its own box) is wider than the screen.
            (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")).ShouldBeLessThanOrEqualTo(390);
            await page.Locator("#timeline-chart").ScrollIntoViewIfNeededAsync();
            await phone.ScreenshotAsync("timeline-phone");
            await phone.ShouldBeCleanAsync();
        }

        await using var auditor = await BrowserSession.OpenAsync(fixture, Roles.Auditor);
        var audit = await auditor.GoAsync("#/audit");
        await Expect(audit.Locator("#event-log tbody tr").First).ToContainTextAsync("organization_registered");
        await audit.GetByLabel("Event type (e.g. quote_corrected)").FillAsync("stance_assessed");
        await audit.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Expect(audit.Locator("#event-log tbody tr").First).ToContainTextAsync("stance_assessed");
        await Expect(audit.Locator("#checkpoint")).ToContainTextAsync("No checkpoint");
        await auditor.ShouldBeCleanAsync();
    }

    /// <summary>
    /// The value a datetime-local input holds, in the browser's normalized form: seconds only when not zero, and
    /// milliseconds without trailing zeros. Playwright refuses a fill the input would rewrite ("02.010" reads back as
    /// "02.01"), so a test that filled the plain "ss.fff" form failed whenever the millisecond ended in zero.
    /// </summary>
    private static string DateTimeLocalValue(DateTimeOffset instant)
    {
        var value = instant.UtcDateTime.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture);
        if (instant.Second != 0 || instant.Millisecond != 0)
        {
            value += instant.UtcDateTime.ToString(":ss", CultureInfo.InvariantCulture);
        }

        if (instant.Millisecond != 0)
        {
            value += "." + instant.Millisecond.ToString("000", CultureInfo.InvariantCulture).TrimEnd('0');
        }

        return value;
    }
}
