using ClaimsLedger.Positions.ReviewingShifts;
using JasperFx.Events.Projections;
using Marten;

namespace ClaimsLedger.Positions;

public static class Configuration
{
    public const string CurrentEntriesIndexName = "mt_doc_timelinerevision_idx_current_entries";

    /// <summary>
    /// Timelines are second-stage members of the async "History" composite (see Statements): they fold
    /// each statement's history, as Marten hands it over for that exact point of the log, into per
    /// actor x topic timelines and their bitemporal revisions, so a rebuild gives what the live daemon gave.
    /// Editors' judgements of shifts live on a review stream per timeline, read through an inline view.
    /// </summary>
    public static StoreOptions AddPositions(this StoreOptions options)
    {
        options.Projections.CompositeProjectionFor(Statements.Configuration.HistoryProjection, composite =>
        {
            composite.Add<PositionTimelineProjection>(2);
            composite.Add<TimelineRevisionProjection>(2);
        });
        // Inline: an editor reads the judgement they just made; one document per timeline's review stream.
        options.Projections.Add<ShiftReviewDetailsProjection>(ProjectionLifecycle.Inline);
        options.Schema.For<TimelineRevision>()
            .Duplicate(revision => revision.TimelineId)
            .Duplicate(revision => revision.KnownFrom)
            .Duplicate(revision => revision.KnownUntil)
            // The revisions in force are a timeline's current entries: read in stated order, straight off this index.
            .Index([revision => revision.TimelineId, revision => revision.StatedOrder], index =>
            {
                index.Name = CurrentEntriesIndexName;
                index.Predicate = "known_until is null";
            });
        return options;
    }
}
