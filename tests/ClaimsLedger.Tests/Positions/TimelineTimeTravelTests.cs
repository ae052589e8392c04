using System.Globalization;
using System.Text.Json;
using Alba;
using ClaimsLedger.Positions.GettingTimelines;
using ClaimsLedger.Statements;
using ClaimsLedger.Statements.CorrectingAttribution;
using ClaimsLedger.Statements.CorrectingQuotes;
using ClaimsLedger.Statements.GettingDetails;
using ClaimsLedger.Statements.Retracting;
using ClaimsLedger.Statements.Withdrawing;
using ClaimsLedger.Tests.Support;
using Shouldly;

namespace ClaimsLedger.Tests.Positions;

/// <summary>
/// Bitemporal views over a simulated clock: what a view answers for knownAt=K is what it answered
/// live at K; asOf asks where things stood at a stated moment.
/// </summary>
[Collection(TimeTravelCollection.Name)]
public sealed class TimelineTimeTravelTests(TimeTravelFixture fixture) : HostContext(fixture)
{
    private static DateTimeOffset At(string instant) => DateTimeOffset.Parse(instant, CultureInfo.InvariantCulture);

    private void ClockAt(string instant) => fixture.Clock.Set(At(instant));

    private async Task<string> LiveAsync(string url)
    {
        await Given.ProjectionsCaughtUpAsync();
        return await ReadAsync(url);
    }

    private async Task<string> ReadAsync(string url)
    {
        var result = await Host.Scenario(s =>
        {
            s.WithBearerToken(Reader);
            s.Get.Url(url);
            s.StatusCodeShouldBeOk();
        });
        return await result.ReadAsTextAsync();
    }

    [Fact]
    public async Task Every_view_asked_knownAt_a_past_moment_answers_what_it_answered_live_at_that_moment()
    {
        ClockAt("2016-01-20T09:00:00Z");
        var pentagon = await Given.OrganizationAsync();
        var cook = await Given.SpeakerAsync("Peter Cook", pentagon, "Pentagon spokesman", "2015");
        var carter = await Given.SpeakerAsync("Ashton Carter", pentagon, "Defense secretary", "2015-02-17");
        var libya = await Given.TopicAsync();
        var timeline = $"/api/positions/organizations/{pentagon}/topics/{libya}";
        var cookTimeline = $"/api/positions/speakers/{cook}/topics/{libya}";
        var live = new List<(string Moment, string Url, string Body)>();

        async Task Capture(string moment, Guid statement)
        {
            foreach (var url in new[]
                     {
                         timeline, cookTimeline, $"/api/statements/{statement}", $"/api/speakers/{cook}",
                         $"/api/statements?speakerId={cook}", $"/api/statements?organizationId={pentagon}&topicId={libya}",
                     })
            {
                live.Add((moment, url, await LiveAsync(url)));
            }
        }

        ClockAt("2016-01-23T10:00:00Z");
        var options = await Given.AssessedStatementAsync(cook, libya, "looking at militray options", "2016-01-22", "considering-options");
        await Capture("2016-01-23T10:00:00Z", options);

        ClockAt("2016-01-24T10:00:00Z");
        await Given.ChangeAsync($"/api/statements/{options}/quote-corrections", new CorrectQuote("looking at military options", null, "typo", 2), "editor");
        await Capture("2016-01-24T10:00:00Z", options);

        ClockAt("2016-01-27T18:00:00Z");
        var assessment = await Given.AssessedStatementAsync(cook, libya, "simply to get a sense of who the players are,", "2016-01-27", "assessing");
        await Capture("2016-01-27T18:00:00Z", assessment);

        ClockAt("2016-02-03T12:00:00Z");
        var late = await Given.AssessedStatementAsync(cook, libya, "a decisive military action", "2016-01-21", "preparing");
        await Capture("2016-02-03T12:00:00Z", late);

        ClockAt("2016-02-10T12:00:00Z");
        await Given.ChangeAsync($"/api/statements/{assessment}/retraction",
            new RetractStatement("2016-02-09", new SourceInput("DoD briefing"), "walked back", 2), "editor");
        await Capture("2016-02-10T12:00:00Z", assessment);

        ClockAt("2016-02-12T12:00:00Z");
        await Given.ChangeAsync($"/api/statements/{late}/attribution-corrections", new CorrectAttribution(carter, null, "It was Carter", 2), "editor");
        await Capture("2016-02-12T12:00:00Z", late);

        ClockAt("2016-02-15T12:00:00Z");
        await Given.ChangeAsync($"/api/statements/{options}/withdrawal", new WithdrawStatement("Recorded from a parody site", 3), "editor");
        await Capture("2016-02-15T12:00:00Z", options);

        foreach (var (moment, url, body) in live)
        {
            var separator = url.Contains('?', StringComparison.Ordinal) ? '&' : '?';
            var known = await ReadAsync($"{url}{separator}knownAt={Uri.EscapeDataString(moment)}");
            JsonElement.DeepEquals(Parse(known), Parse(body)).ShouldBeTrue($"{url} knownAt {moment}:\n live: {body}\n then: {known}");
        }

        live.Select(capture => capture.Body).Distinct().Count().ShouldBeGreaterThan(20, "each step should have changed what the views show");
    }

    [Fact]
    public async Task As_known_on_26_January_the_position_on_25_January_differs_from_the_same_question_asked_after_a_late_statement()
    {
        ClockAt("2016-01-20T09:00:00Z");
        var pentagon = await Given.OrganizationAsync();
        var cook = await Given.SpeakerAsync("Peter Cook", pentagon, "Pentagon spokesman", "2015");
        var libya = await Given.TopicAsync();
        ClockAt("2016-01-22T15:00:00Z");
        await Given.AssessedStatementAsync(cook, libya, "looking at military options", "2016-01-22", "considering-options");
        ClockAt("2016-01-28T15:00:00Z");
        var afterwards = await Given.AssessedStatementAsync(cook, libya, "a small group", "2016-01-27", "assessing");
        ClockAt("2016-02-05T15:00:00Z");
        var late = await Given.AssessedStatementAsync(cook, libya, "we are preparing options to strike", "2016-01-24", "preparing");
        await Given.ProjectionsCaughtUpAsync();
        var question = $"/api/positions/organizations/{pentagon}/topics/{libya}?asOf=2016-01-25";

        var thenKnown = JsonSerializer.Deserialize<PositionTimelineView>(await ReadAsync($"{question}&knownAt=2016-01-26"), Json.Options)!;
        var nowKnown = JsonSerializer.Deserialize<PositionTimelineView>(await ReadAsync(question), Json.Options)!;

        thenKnown.Current!.Stance.Key.ShouldBe("considering-options");
        thenKnown.Entries.Count.ShouldBe(1);
        nowKnown.Current!.Stance.Key.ShouldBe("preparing");
        nowKnown.Current.StatementId.ShouldBe(late);
        nowKnown.Entries.Select(entry => entry.StatementId).ShouldNotContain(afterwards, "it was stated after 25 January");
    }

    [Fact]
    public async Task A_correction_recorded_after_K_is_invisible_at_K_and_a_retraction_made_after_A_does_not_count_as_of_A()
    {
        ClockAt("2016-03-01T09:00:00Z");
        var cook = await Given.SpeakerAsync("Peter Cook", await Given.OrganizationAsync(), "Pentagon spokesman", "2015");
        var statement = await Given.StatementAsync(cook, "metastasis", "2016-01-27");
        ClockAt("2016-03-05T09:00:00Z");
        await Given.ChangeAsync($"/api/statements/{statement}/quote-corrections", new CorrectQuote("the metastasis of ISIS", null, "fuller quote", 1), "editor");
        ClockAt("2016-03-08T09:00:00Z");
        await Given.ChangeAsync($"/api/statements/{statement}/retraction", new RetractStatement("2016-03-07", null, null, 2), "editor");

        var beforeCorrection = await Host.GetJsonAsync<StatementDetails>($"/api/statements/{statement}?knownAt=2016-03-04", Reader);
        var beforeRetraction = await Host.GetJsonAsync<StatementDetails>($"/api/statements/{statement}?asOf=2016-03-01", Reader);
        var now = await Given.StatementDetailsAsync(statement);

        beforeCorrection.Quote.ShouldBe("metastasis");
        beforeCorrection.Version.ShouldBe(1);
        beforeRetraction.Quote.ShouldBe("the metastasis of ISIS");
        beforeRetraction.Status.ShouldBe(StatementStatus.Active);
        now.Status.ShouldBe(StatementStatus.Retracted);
        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Reader);
            s.Get.Url($"/api/statements/{statement}?asOf=2016-01-26");
        }, 404, null);
        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Reader);
            s.Get.Url($"/api/statements/{statement}?knownAt=2016-02-28");
        }, 404, null);
    }

    [Fact]
    public async Task The_statement_list_asOf_a_stated_moment_holds_only_what_had_been_said_and_not_yet_retracted()
    {
        ClockAt("2016-04-01T09:00:00Z");
        var cook = await Given.SpeakerAsync("Peter Cook", await Given.OrganizationAsync(), "Pentagon spokesman", "2015");
        var early = await Given.StatementAsync(cook, "early", "2016-01-10");
        var later = await Given.StatementAsync(cook, "later", "2016-02-10");
        await Given.ChangeAsync($"/api/statements/{early}/retraction", new RetractStatement("2016-03-01", null, null, 1), "editor");

        var page = await Host.GetJsonAsync<ClaimsLedger.Infrastructure.Http.Page<StatementDetails>>(
            $"/api/statements?speakerId={cook}&asOf=2016-02-01", Reader);

        page.Items.Select(item => (item.Id, item.Status)).ShouldBe([(early, StatementStatus.Active)]);
        page.Items.ShouldNotContain(item => item.Id == later);
    }

    [Theory]
    [InlineData("asOf=soon", "asOf")]
    [InlineData("knownAt=2016-01-26T10:00", "knownAt")]
    [InlineData("asOf=9999-12-31", "asOf")]
    [InlineData("knownAt=9999", "knownAt")]
    public async Task An_unreadable_moment_is_a_400_naming_it(string query, string field)
    {
        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Reader);
            s.Get.Url($"/api/statements/{Guid.NewGuid()}?{query}");
        }, 400, field);
    }

    private static JsonElement Parse(string body) => JsonDocument.Parse(body).RootElement;
}
