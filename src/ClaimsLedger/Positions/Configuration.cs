using Marten;

namespace ClaimsLedger.Positions;

public static class Configuration
{
    /// <summary>
    /// Timelines are second-stage members of the async "History" composite (see Statements): they fold
    /// each statement's history, as Marten hands it over for that exact point of the log, into per
    /// actor x topic timelines and their bitemporal revisions, so a rebuild gives what the live daemon gave.
    /// </summary>
    public static StoreOptions AddPositions(this StoreOptions options)
    {
        options.Projections.CompositeProjectionFor(Statements.Configuration.HistoryProjection, composite =>
        {
            composite.Add<PositionTimelineProjection>(2);
            composite.Add<TimelineRevisionProjection>(2);
        });
        options.Schema.For<TimelineRevision>()
            .Duplicate(revision => revision.TimelineId)
            .Duplicate(revision => revision.KnownFrom)
            .Duplicate(revision => revision.KnownUntil);
        return options;
    }
}
