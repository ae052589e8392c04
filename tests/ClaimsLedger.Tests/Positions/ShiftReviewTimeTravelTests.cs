using System.Globalization;
using Alba;
using ClaimsLedger.Positions;
using ClaimsLedger.Positions.GettingTimelines;
using ClaimsLedger.Positions.ReviewingShifts;
using ClaimsLedger.Tests.Support;
using Shouldly;

namespace ClaimsLedger.Tests.Positions;

/// <summary>Editorial judgements and recorded shifts count from the moment they were recorded.</summary>
[Collection(TimeTravelCollection.Name)]
public sealed class ShiftReviewTimeTravelTests(TimeTravelFixture fixture) : HostContext(fixture)
{
    private void ClockAt(string instant) => fixture.Clock.Set(DateTimeOffset.Parse(instant, CultureInfo.InvariantCulture));

    private Task<PositionTimelineView> TimelineAsync(string url) => Host.GetJsonAsync<PositionTimelineView>(url, Reader);

    [Fact]
    public async Task Known_before_the_override_the_timeline_shows_the_computed_rating_only()
    {
        ClockAt("2016-03-20T09:00:00Z");
        var pentagon = await Given.OrganizationAsync();
        var cook = await Given.SpeakerAsync("Peter Cook", pentagon, "Pentagon spokesman", "2015");
        var libya = await Given.TopicAsync();
        var january = await Given.AssessedStatementAsync(cook, libya, "looking at military options", "2016-01-27", "considering-options");
        var february = await Given.AssessedStatementAsync(cook, libya, "we are preparing", "2016-02-10", "preparing");
        var march = await Given.AssessedStatementAsync(cook, libya, "not going to happen", "2016-03-15", "ruled-out");
        await Given.ProjectionsCaughtUpAsync();
        var timeline = $"/api/positions/speakers/{cook}/topics/{libya}";

        ClockAt("2016-03-21T09:00:00Z");
        await Given.ChangeAsync($"{timeline}/shifts/confirmations", new ConfirmShift(february, march, null, 0), "editor");
        ClockAt("2016-03-22T09:00:00Z");
        await Given.ChangeAsync($"{timeline}/shifts/overrides",
            new OverrideShiftRating(february, march, FlipRating.HalfFlip, "Ground troops only.", 1), "editor");
        ClockAt("2016-03-23T09:00:00Z");
        await Given.ChangeAsync($"{timeline}/shifts/records",
            new RecordShift([january, march], FlipRating.FullFlop, "Recorded for the record.", 2), "editor");

        var beforeAny = await TimelineAsync($"{timeline}?knownAt=2016-03-20T12:00:00Z");
        var confirmed = await TimelineAsync($"{timeline}?knownAt=2016-03-21T12:00:00Z");
        var overridden = await TimelineAsync($"{timeline}?knownAt=2016-03-22");
        var live = await TimelineAsync(timeline);

        beforeAny.Shifts.Select(shift => (shift.Rating, shift.Editorial)).ShouldBe([(FlipRating.HalfFlip, null), (FlipRating.FullFlop, null)]);
        beforeAny.ReviewVersion.ShouldBe(0);
        confirmed.Shifts[1].Editorial!.Judgement.ShouldBe(ShiftJudgement.Confirmed);
        confirmed.Shifts[1].Editorial!.RecordedAt.ShouldBe(DateTimeOffset.Parse("2016-03-21T09:00:00Z", CultureInfo.InvariantCulture));
        confirmed.ReviewVersion.ShouldBe(1);
        (overridden.Shifts[1].Rating, overridden.Shifts[1].Editorial!.Judgement, overridden.Shifts[1].Editorial!.Rating)
            .ShouldBe((FlipRating.FullFlop, ShiftJudgement.Overridden, FlipRating.HalfFlip));
        overridden.RecordedShifts.ShouldBeEmpty("the record came a day later");
        overridden.ReviewVersion.ShouldBe(2);
        live.RecordedShifts.ShouldHaveSingleItem().RecordedAt.ShouldBe(DateTimeOffset.Parse("2016-03-23T09:00:00Z", CultureInfo.InvariantCulture));
        live.ReviewVersion.ShouldBe(3);
    }
}
