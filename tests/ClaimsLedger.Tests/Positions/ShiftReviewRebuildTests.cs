using ClaimsLedger.Positions;
using ClaimsLedger.Positions.ReviewingShifts;
using ClaimsLedger.Projections;
using ClaimsLedger.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;

namespace ClaimsLedger.Tests.Positions;

/// <summary>The review view is rebuilt like every inline view: recomputed from its stream while the service serves.</summary>
[Collection(ReplayCollection.Name)]
public sealed class ShiftReviewRebuildTests(ReplayFixture fixture) : HostContext(fixture)
{
    [Fact]
    public async Task Refreshing_the_review_view_recomputes_each_timelines_document_from_its_stream()
    {
        var pentagon = await Given.OrganizationAsync();
        var cook = await Given.SpeakerAsync("Peter Cook", pentagon);
        var libya = await Given.TopicAsync();
        var january = await Given.AssessedStatementAsync(cook, libya, "looking at military options", "2016-01-27", "considering-options");
        var february = await Given.AssessedStatementAsync(cook, libya, "we are preparing", "2016-02-10", "preparing");
        var march = await Given.AssessedStatementAsync(cook, libya, "not going to happen", "2016-03-15", "ruled-out");
        await Given.ProjectionsCaughtUpAsync();
        var shifts = $"/api/positions/speakers/{cook}/topics/{libya}/shifts";
        await Given.ChangeAsync($"{shifts}/confirmations", new ConfirmShift(january, february, null, 0), "editor");
        await Given.ChangeAsync($"{shifts}/overrides", new OverrideShiftRating(february, march, FlipRating.HalfFlip, "ground troops only", 1), "editor");
        await Given.ChangeAsync($"{shifts}/records", new RecordShift([january, march], FlipRating.FullFlop, "ruled out in the end", 2), "editor");
        var id = ShiftReview.StreamId(new TimelineKey(ActorKind.Speaker, cook, libya));
        var live = await Views.SnapshotAsync(Store);

        // Spoil the document behind the projection's back: the refresh must find the stream and put it right.
        await using (var session = Store.LightweightSession())
        {
            var document = await session.LoadAsync<ShiftReviewDetails>(id);
            session.Store(document! with { Judgements = [], Records = [] });
            await session.SaveChangesAsync();
        }

        var refreshed = await Host.Services.GetRequiredService<InlineViewRefresh>().RefreshAsync("ShiftReviewDetails", null, CancellationToken.None);

        refreshed.ShouldBeGreaterThanOrEqualTo(1);
        (await Views.SnapshotAsync(Store)).ShouldMatch(live);
    }
}
