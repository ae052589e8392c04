using System.Net.Http.Json;
using System.Text.Json;
using ClaimsLedger.Infrastructure.Auth;
using Microsoft.Playwright;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace ClaimsLedger.Tests.Dashboard;

/// <summary>
/// Editing a candidate in place on the review page before accepting it. Only touches the demo
/// article's "Jane Doe" candidate (a proposed, unregistered speaker); other dashboard tests decide
/// candidate 1.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class ReviewEditingTests(DashboardFixture fixture)
{
    private const string JaneDoeQuote = "Nobody should expect a decision this week";

    private async Task<JsonElement> ArticleAsync()
    {
        using var api = fixture.Api(Roles.Reader);
        return await api.GetFromJsonAsync<JsonElement>($"/api/articles/{fixture.ArticleId}");
    }

    private static JsonElement CandidateQuoting(JsonElement article, string quote) =>
        article.GetProperty("candidates").EnumerateArray()
            .Single(item => item.GetProperty("candidate").GetProperty("quote").GetString()!.Contains(quote, StringComparison.Ordinal));

    [Fact]
    public async Task A_reader_sees_no_edit_controls_on_the_review_page()
    {
        await using var reader = await BrowserSession.OpenAsync(fixture, Roles.Reader);
        var page = await reader.GoAsync($"#/review/{fixture.ArticleId}");
        await Expect(page.Locator("#candidates > li").First).ToBeVisibleAsync();
        await Expect(page.Locator("#candidates").GetByText(JaneDoeQuote)).ToBeVisibleAsync();
        await Expect(page.Locator("#candidates select, #candidates input, #candidates button, #candidates fieldset")).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Accept all selected" })).ToHaveCountAsync(0);
        await reader.ShouldBeCleanAsync();
    }

    [Fact]
    public async Task A_recorder_chooses_a_registered_speaker_and_a_kind_for_a_proposed_speaker_and_accepts()
    {
        var before = CandidateQuoting(await ArticleAsync(), JaneDoeQuote);
        var number = before.GetProperty("candidate").GetProperty("number").GetInt32();
        before.GetProperty("status").GetString().ShouldBe("pending");
        before.GetProperty("candidate").GetProperty("speaker").GetProperty("proposed").GetBoolean().ShouldBeTrue();
        var suggestedKind = before.GetProperty("candidate").GetProperty("kind").GetString();
        var newKind = suggestedKind == "partial" ? "indirect" : "partial";
        var carterId = fixture.Sample.Ids["carter"];

        await using var recorder = await BrowserSession.OpenAsync(fixture, Roles.Recorder);
        var page = await recorder.GoAsync($"#/review/{fixture.ArticleId}");
        var item = page.Locator($"#candidates > li[data-number='{number}']");
        await Expect(item).ToContainTextAsync(JaneDoeQuote);

        // Search as you type, by keyboard: the registered speaker appears in the select and is chosen.
        var search = item.GetByLabel("Find a speaker", new() { Exact = true });
        await search.FocusAsync();
        await page.Keyboard.TypeAsync("Ashton");
        var speaker = item.GetByLabel("Speaker", new() { Exact = true });
        await speaker.SelectOptionAsync(new SelectOptionValue { Value = carterId.ToString() });
        await item.GetByLabel("Kind", new() { Exact = true }).SelectOptionAsync(newKind);
        await Expect(item.GetByLabel("Stated (e.g. 2016-01-27)")).ToHaveValueAsync("2016-01-28");

        var accept = item.GetByRole(AriaRole.Button, new() { Name = "Accept", Exact = true });
        await accept.FocusAsync();
        await page.Keyboard.PressAsync("Enter");

        // The page reloads the article: the candidate is accepted, with what was changed.
        var decided = page.Locator($"#candidates > li[data-number='{number}']");
        await Expect(decided.Locator(".badge")).ToHaveTextAsync("accepted");
        await Expect(decided).ToContainTextAsync("changed: speaker, kind");
        await Expect(decided.Locator("select, input, button")).ToHaveCountAsync(0);
        await Expect(page.Locator("#main p.ok[role=status]")).ToHaveTextAsync("Saved.");

        var after = CandidateQuoting(await ArticleAsync(), JaneDoeQuote);
        after.GetProperty("status").GetString().ShouldBe("accepted");
        var overrides = after.GetProperty("overrides").EnumerateArray()
            .ToDictionary(change => change.GetProperty("field").GetString()!, change => change.GetProperty("chosen").GetString());
        overrides.Keys.ShouldBe(["speaker", "kind"], ignoreOrder: true);
        overrides["speaker"].ShouldBe(carterId.ToString());
        overrides["kind"].ShouldBe(newKind);

        var statementId = after.GetProperty("statementId").GetGuid();
        using var api = fixture.Api(Roles.Reader);
        var statement = await api.GetFromJsonAsync<JsonElement>($"/api/statements/{statementId}");
        statement.GetProperty("attribution").GetProperty("speakerId").GetGuid().ShouldBe(carterId);
        statement.GetProperty("attribution").GetProperty("speakerName").GetString().ShouldBe("Ashton Carter");
        statement.GetProperty("kind").GetString().ShouldBe(newKind);
        statement.GetProperty("quote").GetString()!.ShouldContain(JaneDoeQuote);
        await recorder.ShouldBeCleanAsync();
    }
}
