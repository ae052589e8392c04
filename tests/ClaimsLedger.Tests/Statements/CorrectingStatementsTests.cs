using Alba;
using ClaimsLedger.Positions.GettingTimelines;
using ClaimsLedger.Statements;
using ClaimsLedger.Statements.CorrectingAttribution;
using ClaimsLedger.Statements.CorrectingQuotes;
using ClaimsLedger.Statements.Retracting;
using ClaimsLedger.Statements.Withdrawing;
using ClaimsLedger.Tests.Support;
using Marten;
using Shouldly;

namespace ClaimsLedger.Tests.Statements;

/// <summary>Nothing is edited: corrections, retractions and withdrawals are new events, and the views follow.</summary>
public sealed class CorrectingStatementsTests(AppFixture fixture) : ApiContext(fixture)
{
    [Fact]
    public async Task A_corrected_quote_shows_in_the_view_while_the_original_event_stays_in_the_log()
    {
        var cook = await Given.SpeakerAsync("Peter Cook", await Given.OrganizationAsync());
        var id = await Given.StatementAsync(cook, "looking at militray options", "2016-01-27");

        var accepted = await Given.ChangeAsync($"/api/statements/{id}/quote-corrections",
            new CorrectQuote("looking at military options", null, "Typo in transcription", 1), "editor");

        accepted.Version.ShouldBe(2);
        var view = await Given.StatementDetailsAsync(id);
        view.Quote.ShouldBe("looking at military options");
        view.Corrections.Single().PreviousQuote.ShouldBe("looking at militray options");
        view.Corrections.Single().Reason.ShouldBe("Typo in transcription");

        await using var session = Store.QuerySession();
        var events = await session.Events.FetchStreamAsync(id);
        events.Select(e => e.Data.GetType()).ShouldBe([typeof(StatementRecorded), typeof(QuoteCorrected)]);
        events[0].Data.ShouldBeOfType<StatementRecorded>().Quote.ShouldBe("looking at militray options");
    }

    [Fact]
    public async Task A_correction_sent_with_a_stale_version_is_a_409_and_writes_nothing()
    {
        var cook = await Given.SpeakerAsync("Peter Cook", await Given.OrganizationAsync());
        var id = await Given.StatementAsync(cook, "metastasis", "2016-01-27");
        await Given.ChangeAsync($"/api/statements/{id}/quote-corrections", new CorrectQuote("the metastasis", null, "context", 1), "editor");

        var problem = await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Editor);
            s.Post.Json(new CorrectQuote("metastasis of ISIS", null, "context", 1)).ToUrl($"/api/statements/{id}/quote-corrections");
        }, 409, "expectedVersion");

        problem.GetProperty("currentVersion").GetInt64().ShouldBe(2);
    }

    [Fact]
    public async Task Two_concurrent_changes_from_the_same_version_have_exactly_one_winner_and_one_409()
    {
        var cook = await Given.SpeakerAsync("Peter Cook", await Given.OrganizationAsync());
        var libya = await Given.TopicAsync();
        var id = await Given.StatementAsync(cook, "looking at military options", "2016-01-27", libya);

        // Each round both commands would change something, so each must race for the version.
        for (var round = 0; round < 5; round++)
        {
            var version = (await Given.StatementDetailsAsync(id)).Version;
            var statuses = await Task.WhenAll(
                StatusAsync($"/api/statements/{id}/stances", new ClaimsLedger.Statements.AssessingStances.AssessStance(libya, Scenarios.MilitaryActionLadder[round].Key, null, version)),
                StatusAsync($"/api/statements/{id}/quote-corrections", new CorrectQuote($"looking at military options ({round})", null, "race", version)));

            statuses.Order().ToArray().ShouldBe([200, 409], $"round {round}");
            (await Given.StatementDetailsAsync(id)).Version.ShouldBe(version + 1);
        }
    }

    [Fact]
    public async Task A_withdrawn_statement_leaves_the_timeline_and_the_lists_but_stays_in_the_log()
    {
        var pentagon = await Given.OrganizationAsync();
        var cook = await Given.SpeakerAsync("Peter Cook", pentagon);
        var libya = await Given.TopicAsync();
        var kept = await Given.AssessedStatementAsync(cook, libya, "looking at military options", "2016-01-27", "considering-options");
        var mistaken = await Given.AssessedStatementAsync(cook, libya, "we will invade tomorrow", "2016-01-28", "acting");

        await Given.ChangeAsync($"/api/statements/{mistaken}/withdrawal", new WithdrawStatement("Misattributed quote from a parody site", 2), "editor");
        await Given.ProjectionsCaughtUpAsync();

        var timeline = await Host.GetJsonAsync<PositionTimelineView>($"/api/positions/organizations/{pentagon}/topics/{libya}", Reader);
        timeline.Entries.Select(entry => entry.StatementId).ShouldBe([kept]);
        timeline.Shifts.ShouldBeEmpty();

        var listed = await Host.GetJsonAsync<ClaimsLedger.Infrastructure.Http.Page<ClaimsLedger.Statements.GettingDetails.StatementDetails>>(
            $"/api/statements?speakerId={cook}", Reader);
        listed.Items.Select(item => item.Id).ShouldBe([kept]);

        var direct = await Given.StatementDetailsAsync(mistaken);
        direct.Status.ShouldBe(StatementStatus.Withdrawn);
        direct.WithdrawalReason.ShouldBe("Misattributed quote from a parody site");

        await using var session = Store.QuerySession();
        (await session.Events.FetchStreamAsync(mistaken)).Select(e => e.Data.GetType())
            .ShouldBe([typeof(StatementRecorded), typeof(ClaimsLedger.Statements.StanceAssessed), typeof(StatementWithdrawn)]);
    }

    [Fact]
    public async Task A_withdrawn_statement_can_no_longer_change()
    {
        var cook = await Given.SpeakerAsync("Peter Cook", await Given.OrganizationAsync());
        var id = await Given.StatementAsync(cook, "metastasis", "2016-01-27");
        await Given.ChangeAsync($"/api/statements/{id}/withdrawal", new WithdrawStatement("duplicate", 1), "editor");

        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Editor);
            s.Post.Json(new CorrectQuote("other", null, "reason", 2)).ToUrl($"/api/statements/{id}/quote-corrections");
        }, 409, "withdrawn");
    }

    [Fact]
    public async Task A_retracted_statement_stays_on_the_timeline_marked_and_stops_counting_as_the_position()
    {
        var pentagon = await Given.OrganizationAsync();
        var cook = await Given.SpeakerAsync("Peter Cook", pentagon);
        var libya = await Given.TopicAsync();
        var first = await Given.AssessedStatementAsync(cook, libya, "looking at military options", "2016-01-27", "considering-options");
        var walkedBack = await Given.AssessedStatementAsync(cook, libya, "strikes are imminent", "2016-02-02", "acting");

        await Given.ChangeAsync($"/api/statements/{walkedBack}/retraction",
            new RetractStatement("2016-02-03", new SourceInput("DoD briefing", "https://www.defense.gov/"), "Cook: 'I misspoke'", 2), "editor");
        await Given.ProjectionsCaughtUpAsync();

        var timeline = await Host.GetJsonAsync<PositionTimelineView>($"/api/positions/organizations/{pentagon}/topics/{libya}", Reader);
        timeline.Entries.Select(entry => (entry.StatementId, entry.Retracted)).ShouldBe([(first, false), (walkedBack, true)]);
        timeline.Entries[1].Retraction!.RetractedAt.ToString().ShouldBe("2016-02-03");
        timeline.Shifts.ShouldBeEmpty();
        timeline.Current!.StatementId.ShouldBe(first);
    }

    [Fact]
    public async Task A_corrected_attribution_moves_the_statement_to_the_right_speakers_timeline()
    {
        var pentagon = await Given.OrganizationAsync();
        var cook = await Given.SpeakerAsync("Peter Cook", pentagon);
        var carter = await Given.SpeakerAsync("Ashton Carter", pentagon, "Defense secretary", "2015-02-17");
        var libya = await Given.TopicAsync();
        var id = await Given.AssessedStatementAsync(cook, libya, "flexible and nimble response", "2016-01", "preparing");
        await Given.ProjectionsCaughtUpAsync();

        await Given.ChangeAsync($"/api/statements/{id}/attribution-corrections",
            new CorrectAttribution(carter, null, "Carter said it in a speech; Cook only relayed it", 2), "editor");
        await Given.ProjectionsCaughtUpAsync();

        var cookTimeline = await Host.GetJsonAsync<PositionTimelineView>($"/api/positions/speakers/{cook}/topics/{libya}", Reader);
        var carterTimeline = await Host.GetJsonAsync<PositionTimelineView>($"/api/positions/speakers/{carter}/topics/{libya}", Reader);
        var pentagonTimeline = await Host.GetJsonAsync<PositionTimelineView>($"/api/positions/organizations/{pentagon}/topics/{libya}", Reader);
        cookTimeline.Entries.ShouldBeEmpty();
        carterTimeline.Entries.Single().Attribution.RoleTitle.ShouldBe("Defense secretary");
        pentagonTimeline.Entries.Single().Attribution.SpeakerName.ShouldBe("Ashton Carter");
        (await Given.StatementDetailsAsync(id)).Corrections.Single().PreviousAttribution!.SpeakerName.ShouldBe("Peter Cook");
    }

    [Fact]
    public async Task Changes_that_find_the_statement_already_as_asked_succeed_and_append_nothing()
    {
        var cook = await Given.SpeakerAsync("Peter Cook", await Given.OrganizationAsync());
        var id = await Given.StatementAsync(cook, "metastasis", "2016-01-27");
        var before = await EventCountAsync();

        var accepted = await Given.ChangeAsync($"/api/statements/{id}/quote-corrections", new CorrectQuote("metastasis", null, "no-op", 1), "editor");

        accepted.Changed.ShouldBeFalse();
        accepted.Version.ShouldBe(1);
        (await EventCountAsync()).ShouldBe(before);
    }

    private async Task<int> StatusAsync(string url, object body)
    {
        var result = await Host.Scenario(s =>
        {
            s.WithBearerToken(Editor);
            s.Post.Json(body).ToUrl(url);
            s.IgnoreStatusCode();
        });
        return result.Context.Response.StatusCode;
    }
}
