using ClaimsLedger.Positions;
using ClaimsLedger.Positions.GettingTimelines;
using Alba;
using ClaimsLedger.Tests.Support;
using Shouldly;

namespace ClaimsLedger.Tests.Positions;

public sealed class PositionTimelineTests(AppFixture fixture) : ApiContext(fixture)
{
    [Fact]
    public async Task A_statement_recorded_late_lands_at_its_stated_place_and_the_shifts_around_it_are_recomputed()
    {
        var pentagon = await Given.OrganizationAsync();
        var cook = await Given.SpeakerAsync("Peter Cook", pentagon);
        var libya = await Given.TopicAsync();
        var january = await Given.AssessedStatementAsync(cook, libya, "looking at military options", "2016-01-27", "considering-options");
        var march = await Given.AssessedStatementAsync(cook, libya, "any day", "2016-03-15", "preparing");
        await Given.ProjectionsCaughtUpAsync();

        var before = await Host.GetJsonAsync<PositionTimelineView>($"/api/positions/organizations/{pentagon}/topics/{libya}", Reader);
        before.Shifts.Single().Rating.ShouldBe(FlipRating.HalfFlip);

        // Recorded last, said in February: it belongs between the two.
        var february = await Given.AssessedStatementAsync(cook, libya, "ruled out for now", "2016-02-10", "ruled-out");
        await Given.ProjectionsCaughtUpAsync();

        var after = await Host.GetJsonAsync<PositionTimelineView>($"/api/positions/organizations/{pentagon}/topics/{libya}", Reader);
        after.Entries.Select(entry => entry.StatementId).ShouldBe([january, february, march]);
        after.Shifts.Select(shift => (shift.FromStatementId, shift.ToStatementId, shift.Rating)).ShouldBe(
        [
            (january, february, FlipRating.HalfFlip),
            (february, march, FlipRating.FullFlop),
        ]);
        after.Current!.Stance.Key.ShouldBe("preparing");
    }

    [Fact]
    public async Task A_speakers_timeline_and_the_list_of_timelines_show_the_same_positions()
    {
        var pentagon = await Given.OrganizationAsync();
        var cook = await Given.SpeakerAsync("Peter Cook", pentagon);
        var libya = await Given.TopicAsync();
        await Given.AssessedStatementAsync(cook, libya, "looking at military options", "2016-01-27", "considering-options");
        await Given.ProjectionsCaughtUpAsync();

        var timeline = await Host.GetJsonAsync<PositionTimelineView>($"/api/positions/speakers/{cook}/topics/{libya}", Reader);
        var listed = await Host.GetJsonAsync<ClaimsLedger.Infrastructure.Http.Page<ClaimsLedger.Positions.ListingTimelines.TimelineSummary>>(
            $"/api/positions?topicId={libya}", Reader);

        timeline.Actor.ShouldBe(new ActorRef(ActorKind.Speaker, cook, "Peter Cook"));
        timeline.Current!.Stance.Key.ShouldBe("considering-options");
        listed.Items.Select(item => (item.Actor.Kind, item.Actor.Id, item.LatestStance)).ShouldBe(
            [(ActorKind.Organization, pentagon, "considering-options"), (ActorKind.Speaker, cook, "considering-options")], ignoreOrder: true);
        listed.Items.ShouldAllBe(item => item.Statements == 1);
    }

    [Fact]
    public async Task A_timeline_for_an_unknown_actor_or_topic_is_a_404()
    {
        var pentagon = await Given.OrganizationAsync();
        var libya = await Given.TopicAsync();

        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Reader);
            s.Get.Url($"/api/positions/organizations/{Guid.NewGuid()}/topics/{libya}");
        }, 404, "organization");
        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Reader);
            s.Get.Url($"/api/positions/organizations/{pentagon}/topics/{Guid.NewGuid()}");
        }, 404, "topic");
    }
}
