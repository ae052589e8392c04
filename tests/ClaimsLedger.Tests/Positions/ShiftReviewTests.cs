using System.Text;
using Alba;
using ClaimsLedger.Infrastructure.Http;
using ClaimsLedger.Positions;
using ClaimsLedger.Positions.GettingTimelines;
using ClaimsLedger.Positions.ReviewingShifts;
using ClaimsLedger.Statements.Withdrawing;
using ClaimsLedger.Tests.Support;
using Marten;
using Shouldly;

namespace ClaimsLedger.Tests.Positions;

/// <summary>Editors confirm computed shifts, override their rating with a reason, and record the shifts the computation misses.</summary>
public sealed class ShiftReviewTests(AppFixture fixture) : ApiContext(fixture)
{
    /// <summary>
    /// Peter Cook on Libya: considering options (27 January) → preparing (10 February), a Half Flip →
    /// ruled out (15 March), a Full Flop. The daemon has caught up.
    /// </summary>
    private sealed record Cook(Guid Pentagon, Guid Speaker, Guid Libya, Guid January, Guid February, Guid March)
    {
        public string Timeline => $"/api/positions/speakers/{Speaker}/topics/{Libya}";

        public string Shifts => $"{Timeline}/shifts";

        public Guid ReviewId => ShiftReview.StreamId(new TimelineKey(ActorKind.Speaker, Speaker, Libya));
    }

    private async Task<Cook> CookAsync()
    {
        var pentagon = await Given.OrganizationAsync();
        var cook = await Given.SpeakerAsync("Peter Cook", pentagon);
        var libya = await Given.TopicAsync();
        var january = await Given.AssessedStatementAsync(cook, libya, "looking at military options", "2016-01-27", "considering-options");
        var february = await Given.AssessedStatementAsync(cook, libya, "we are preparing", "2016-02-10", "preparing");
        var march = await Given.AssessedStatementAsync(cook, libya, "not going to happen", "2016-03-15", "ruled-out");
        await Given.ProjectionsCaughtUpAsync();
        return new Cook(pentagon, cook, libya, january, february, march);
    }

    private Task<PositionTimelineView> TimelineAsync(string url) => Host.GetJsonAsync<PositionTimelineView>(url, Reader);

    [Fact]
    public async Task Confirming_a_computed_shift_shows_on_the_timeline_and_confirming_again_adds_nothing()
    {
        var cook = await CookAsync();
        var before = await TimelineAsync(cook.Timeline);
        before.ReviewVersion.ShouldBe(0);
        before.Shifts.ShouldAllBe(shift => shift.Editorial == null);
        before.RecordedShifts.ShouldBeEmpty();

        var confirmed = await Given.ChangeAsync($"{cook.Shifts}/confirmations", new ConfirmShift(cook.January, cook.February, "a rung up, as the rule says", 0), "editor");
        var again = await Given.ChangeAsync($"{cook.Shifts}/confirmations", new ConfirmShift(cook.January, cook.February, null, 1), "editor");

        confirmed.ShouldBe(new ChangeAccepted(cook.ReviewId, 1, true));
        again.ShouldBe(new ChangeAccepted(cook.ReviewId, 1, false));
        var after = await TimelineAsync(cook.Timeline);
        after.ReviewVersion.ShouldBe(1);
        var shift = after.Shifts[0];
        shift.Rating.ShouldBe(FlipRating.HalfFlip);
        shift.Editorial.ShouldNotBeNull();
        (shift.Editorial.Judgement, shift.Editorial.Rating, shift.Editorial.ComputedRating, shift.Editorial.Outdated)
            .ShouldBe((ShiftJudgement.Confirmed, FlipRating.HalfFlip, FlipRating.HalfFlip, false));
        shift.Editorial.Reason.ShouldBe("a rung up, as the rule says");
        shift.Editorial.RecordedBy.ShouldBe("test-editor");
        after.Shifts[1].Editorial.ShouldBeNull();

        // The organization's timeline is another timeline, with a review of its own.
        var pentagon = await TimelineAsync($"/api/positions/organizations/{cook.Pentagon}/topics/{cook.Libya}");
        pentagon.Shifts.ShouldAllBe(other => other.Editorial == null);
        pentagon.ReviewVersion.ShouldBe(0);
    }

    [Fact]
    public async Task An_override_keeps_the_computed_rating_beside_the_editors_with_reason_who_and_when_and_supersedes_a_confirmation()
    {
        var cook = await CookAsync();
        await Given.ChangeAsync($"{cook.Shifts}/confirmations", new ConfirmShift(cook.February, cook.March, null, 0), "editor");

        var overridden = await Given.ChangeAsync($"{cook.Shifts}/overrides",
            new OverrideShiftRating(cook.February, cook.March, FlipRating.HalfFlip, "'Not going to happen' was about ground troops only.", 1), "editor");
        var again = await Given.ChangeAsync($"{cook.Shifts}/overrides",
            new OverrideShiftRating(cook.February, cook.March, FlipRating.HalfFlip, "'Not going to happen' was about ground troops only.", 2), "editor");

        overridden.ShouldBe(new ChangeAccepted(cook.ReviewId, 2, true));
        again.Changed.ShouldBeFalse();
        var shift = (await TimelineAsync(cook.Timeline)).Shifts.Single(candidate => candidate.ToStatementId == cook.March);
        shift.Rating.ShouldBe(FlipRating.FullFlop, "the computed rating is kept");
        shift.Editorial.ShouldNotBeNull();
        (shift.Editorial.Judgement, shift.Editorial.Rating, shift.Editorial.ComputedRating, shift.Editorial.Outdated)
            .ShouldBe((ShiftJudgement.Overridden, FlipRating.HalfFlip, FlipRating.FullFlop, false));
        shift.Editorial.Reason.ShouldBe("'Not going to happen' was about ground troops only.");
        shift.Editorial.RecordedBy.ShouldBe("test-editor");
        shift.Editorial.RecordedAt.ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddMinutes(-5));

        await using var session = Store.QuerySession();
        var log = await session.Events.FetchStreamAsync(cook.ReviewId);
        log.Select(e => e.Data.GetType()).ShouldBe([typeof(ShiftConfirmed), typeof(ShiftRatingOverridden)], "the superseded confirmation stays in the log");
        log[1].Data.ShouldBe(new ShiftRatingOverridden(new TimelineKey(ActorKind.Speaker, cook.Speaker, cook.Libya), cook.February, cook.March,
            FlipRating.FullFlop, FlipRating.HalfFlip, "'Not going to happen' was about ground troops only."));
    }

    [Fact]
    public async Task A_judgement_of_a_shift_the_rule_now_rates_otherwise_is_marked_outdated()
    {
        var cook = await CookAsync();
        await Given.ChangeAsync($"{cook.Shifts}/confirmations", new ConfirmShift(cook.January, cook.February, null, 0), "editor");

        // February re-read as "acting": three rungs up from considering options, a Full Flop now.
        await Given.AssessAsync(cook.February, cook.Libya, "acting", 2);
        await Given.ProjectionsCaughtUpAsync();

        var shift = (await TimelineAsync(cook.Timeline)).Shifts[0];
        shift.Rating.ShouldBe(FlipRating.FullFlop);
        shift.Editorial!.ComputedRating.ShouldBe(FlipRating.HalfFlip);
        shift.Editorial.Outdated.ShouldBeTrue();

        // Confirming the new reading is a change again.
        (await Given.ChangeAsync($"{cook.Shifts}/confirmations", new ConfirmShift(cook.January, cook.February, null, 1), "editor")).Changed.ShouldBeTrue();
        (await TimelineAsync(cook.Timeline)).Shifts[0].Editorial!.Outdated.ShouldBeFalse();
    }

    [Fact]
    public async Task A_recorded_shift_is_listed_with_its_statements_dates_and_sources_once_they_were_all_stated()
    {
        var cook = await CookAsync();

        var recorded = await Given.ChangeAsync($"{cook.Shifts}/records",
            new RecordShift([cook.March, cook.January], FlipRating.FullFlop, "From weighing strikes to ruling them out, across February.", 0), "editor");
        var again = await Given.ChangeAsync($"{cook.Shifts}/records",
            new RecordShift([cook.January, cook.March], FlipRating.FullFlop, "From weighing strikes to ruling them out, across February.", 1), "editor");

        recorded.ShouldBe(new ChangeAccepted(cook.ReviewId, 1, true));
        again.Changed.ShouldBeFalse("the same statements, rating and reason: nothing new");
        var timeline = await TimelineAsync(cook.Timeline);
        var shift = timeline.RecordedShifts.ShouldHaveSingleItem();
        (shift.Rating, shift.Reason, shift.RecordedBy).ShouldBe((FlipRating.FullFlop, "From weighing strikes to ruling them out, across February.", "test-editor"));
        shift.Statements.Select(statement => (statement.StatementId, statement.StatedAt.ToString(), statement.Stance.Key, statement.OnTimeline)).ShouldBe(
        [
            (cook.January, "2016-01-27", "considering-options", true),
            (cook.March, "2016-03-15", "ruled-out", true),
        ], "in stated order, whatever order they were sent in");
        shift.Statements[0].Quote.ShouldBe("looking at military options");
        shift.Statements[0].Sources.ShouldHaveSingleItem().Url.ShouldBe("https://i-hls.com/archives/68094");
        shift.Statements[0].Stance.Label.ShouldBe("Considering options");
        timeline.ReviewVersion.ShouldBe(1);

        (await TimelineAsync($"{cook.Timeline}?asOf=2016-03-14")).RecordedShifts.ShouldBeEmpty("March had not been said yet");
        (await TimelineAsync($"{cook.Timeline}?asOf=2016-03-15")).RecordedShifts.ShouldHaveSingleItem();

        // The same statements with another rating supersede the record; both stay in the log.
        await Given.ChangeAsync($"{cook.Shifts}/records", new RecordShift([cook.January, cook.March], FlipRating.HalfFlip, "On reflection, a half flip.", 1), "editor");
        (await TimelineAsync(cook.Timeline)).RecordedShifts.ShouldHaveSingleItem().Rating.ShouldBe(FlipRating.HalfFlip);
    }

    [Fact]
    public async Task A_recorded_statement_withdrawn_later_stays_in_the_record_marked_off_the_timeline()
    {
        var cook = await CookAsync();
        await Given.ChangeAsync($"{cook.Shifts}/records", new RecordShift([cook.January, cook.March], FlipRating.FullFlop, "Ruled out in the end.", 0), "editor");

        await Given.ChangeAsync($"/api/statements/{cook.January}/withdrawal", new WithdrawStatement("recorded in error", 2), "editor");
        await Given.ProjectionsCaughtUpAsync();

        var statement = (await TimelineAsync(cook.Timeline)).RecordedShifts.ShouldHaveSingleItem().Statements[0];
        (statement.StatementId, statement.OnTimeline, statement.Quote, statement.Sources.Count).ShouldBe((cook.January, false, (string?)null, 0));
    }

    [Fact]
    public async Task A_review_sent_with_a_stale_version_is_a_409_and_writes_nothing()
    {
        var cook = await CookAsync();
        await Given.ChangeAsync($"{cook.Shifts}/confirmations", new ConfirmShift(cook.January, cook.February, null, 0), "editor");

        var problem = await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Editor);
            s.Post.Json(new OverrideShiftRating(cook.January, cook.February, FlipRating.FullFlop, "bigger than it looks", 0)).ToUrl($"{cook.Shifts}/overrides");
        }, 409, "expectedVersion");

        problem.GetProperty("currentVersion").GetInt64().ShouldBe(1);
    }

    [Fact]
    public async Task Judging_anything_but_a_computed_shift_of_this_timeline_is_a_422_that_says_why()
    {
        var cook = await CookAsync();
        var carter = await Given.SpeakerAsync("Ashton Carter", cook.Pentagon, "Secretary of Defense", "2015-02-17");
        var carters = await Given.AssessedStatementAsync(carter, cook.Libya, "we will act", "2016-02-01", "committed");
        var unassessed = await Given.StatementAsync(cook.Speaker, "no comment", "2016-02-12", cook.Libya);
        var withdrawn = await Given.AssessedStatementAsync(cook.Speaker, cook.Libya, "misheard", "2016-02-20", "acting");
        await Given.ChangeAsync($"/api/statements/{withdrawn}/withdrawal", new WithdrawStatement("recorded in error", 2), "editor");
        await Given.ProjectionsCaughtUpAsync();

        async Task<string> Refused(string action, object body, string field)
        {
            var problem = await this.ShouldBeRefusedAsync(s =>
            {
                s.WithBearerToken(Editor);
                s.Post.Json(body).ToUrl($"{cook.Shifts}/{action}");
            }, 422, field);
            return problem.GetProperty("errors").GetProperty(field)[0].GetString()!;
        }

        (await Refused("confirmations", new ConfirmShift(cook.January, cook.March, null, 0), "toStatementId"))
            .ShouldContain($"the shift into '{cook.March}' comes from '{cook.February}'");
        (await Refused("confirmations", new ConfirmShift(cook.February, cook.January, null, 0), "toStatementId"))
            .ShouldContain("first standing statement");
        (await Refused("overrides", new OverrideShiftRating(cook.January, cook.February, FlipRating.HalfFlip, "same as computed", 0), "rating"))
            .ShouldContain("confirm");
        (await Refused("confirmations", new ConfirmShift(cook.January, carters, null, 0), "toStatementId")).ShouldContain("Ashton Carter");
        (await Refused("confirmations", new ConfirmShift(Guid.NewGuid(), cook.February, null, 0), "fromStatementId")).ShouldContain("no statement");
        (await Refused("overrides", new OverrideShiftRating(cook.February, withdrawn, FlipRating.FullFlop, "x", 0), "toStatementId")).ShouldContain("withdrawn");
        (await Refused("records", new RecordShift([cook.January, unassessed], FlipRating.NoFlip, "x", 0), "statementIds[1]")).ShouldContain("no stance");
        (await Refused("records", new RecordShift([cook.February, cook.January], FlipRating.FullFlop, "x", 0), "statementIds"))
            .ShouldContain("confirm it or override");
    }

    [Fact]
    public async Task A_malformed_review_is_a_400_and_an_unknown_timeline_a_404()
    {
        var cook = await CookAsync();
        var many = Enumerable.Range(0, 21).Select(_ => Guid.NewGuid()).ToList();

        foreach (var (action, body, field) in new (string, object, string)[]
                 {
                     ("records", new RecordShift([cook.January], FlipRating.FullFlop, "one is not a shift", 0), "statementIds"),
                     ("records", new RecordShift(many, FlipRating.FullFlop, "too many", 0), "statementIds"),
                     ("records", new RecordShift([cook.January, cook.January], FlipRating.FullFlop, "twice", 0), "statementIds"),
                     ("records", new RecordShift([cook.January, cook.March], null, "no rating", 0), "rating"),
                     ("records", new RecordShift([cook.January, cook.March], FlipRating.FullFlop, " ", 0), "reason"),
                     ("overrides", new OverrideShiftRating(cook.January, cook.February, FlipRating.FullFlop, "", 0), "reason"),
                     ("confirmations", new ConfirmShift(cook.January, cook.February, null, null), "expectedVersion"),
                     ("confirmations", new ConfirmShift(cook.January, cook.January, null, 0), "toStatementId"),
                 })
        {
            await this.ShouldBeRefusedAsync(s =>
            {
                s.WithBearerToken(Editor);
                s.Post.Json(body).ToUrl($"{cook.Shifts}/{action}");
            }, 400, field);
        }

        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Editor);
            s.Post.Json(new { fromStatementId = cook.January, toStatementId = cook.February, rating = "quarter-flip", reason = "x", expectedVersion = 0 })
                .ToUrl($"{cook.Shifts}/overrides");
        }, 400, "rating");
        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Editor);
            s.Post.Json(new ConfirmShift(cook.January, cook.February, null, 0)).ToUrl($"/api/positions/people/{cook.Speaker}/topics/{cook.Libya}/shifts/confirmations");
        }, 404, "organizations");
        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Editor);
            s.Post.Json(new ConfirmShift(cook.January, cook.February, null, 0))
                .ToUrl($"/api/positions/organizations/{Guid.NewGuid()}/topics/{cook.Libya}/shifts/confirmations");
        }, 404, "organization");
    }

    [Fact]
    public async Task An_organizations_shifts_are_reviewed_on_its_own_timeline()
    {
        var cook = await CookAsync();
        var url = $"/api/positions/organizations/{cook.Pentagon}/topics/{cook.Libya}";

        var accepted = await Given.ChangeAsync($"{url}/shifts/overrides",
            new OverrideShiftRating(cook.January, cook.February, FlipRating.NoFlip, "Preparing was always the plan.", 0), "editor");

        accepted.Id.ShouldBe(ShiftReview.StreamId(new TimelineKey(ActorKind.Organization, cook.Pentagon, cook.Libya)));
        (await TimelineAsync(url)).Shifts[0].Editorial!.Rating.ShouldBe(FlipRating.NoFlip);
        (await TimelineAsync(cook.Timeline)).Shifts[0].Editorial.ShouldBeNull();
    }

    [Fact]
    public async Task A_recorder_may_not_review_shifts()
    {
        var cook = await CookAsync();

        foreach (var (action, body) in new (string, object)[]
                 {
                     ("confirmations", new ConfirmShift(cook.January, cook.February, null, 0)),
                     ("overrides", new OverrideShiftRating(cook.January, cook.February, FlipRating.FullFlop, "bigger", 0)),
                     ("records", new RecordShift([cook.January, cook.March], FlipRating.FullFlop, "missed", 0)),
                 })
        {
            await this.ShouldBeRefusedAsync(s =>
            {
                s.WithBearerToken(Recorder);
                s.Post.Json(body).ToUrl($"{cook.Shifts}/{action}");
            }, 403, null);
        }
    }

    [Fact]
    public async Task The_csv_timeline_has_the_editorial_status_rating_and_reason_of_the_shift_into_each_row()
    {
        var cook = await CookAsync();
        await Given.ChangeAsync($"{cook.Shifts}/confirmations", new ConfirmShift(cook.January, cook.February, null, 0), "editor");
        await Given.ChangeAsync($"{cook.Shifts}/overrides",
            new OverrideShiftRating(cook.February, cook.March, FlipRating.HalfFlip, "Ground troops only, \"for now\".", 1), "editor");

        var result = await Host.Scenario(s =>
        {
            s.WithBearerToken(Reader);
            s.Get.Url($"{cook.Timeline}/timeline.csv");
            s.StatusCodeShouldBeOk();
        });
        var body = await CsvRows.BytesAsync(result);
        var rows = CsvRows.Parse(body);

        rows[0].Keys.TakeLast(4).ShouldBe(["shift", "editorial_status", "editorial_rating", "editorial_reason"]);
        rows.Select(row => (row["shift"], row["editorial_status"], row["editorial_rating"], row["editorial_reason"])).ShouldBe(
        [
            ("none", "none", "", ""),
            ("Half Flip", "confirmed", "Half Flip", ""),
            ("Full Flop", "overridden", "Half Flip", "Ground troops only, \"for now\"."),
        ]);
        Encoding.UTF8.GetString(body).ShouldContain("\"Ground troops only, \"\"for now\"\".\"");
    }
}
