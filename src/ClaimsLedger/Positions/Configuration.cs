using Marten;

namespace ClaimsLedger.Positions;

public static class Configuration
{
    /// <summary>
    /// Positions are an async composite projection: stage 1 keeps each statement's placement,
    /// stage 2 folds those into per actor x topic timelines from the exact upstream state of each
    /// batch, so a rebuild gives what the live daemon gave.
    /// </summary>
    public static StoreOptions AddPositions(this StoreOptions options)
    {
        options.Projections.CompositeProjectionFor("Positions", composite =>
        {
            composite.Add<StatementPlacementProjection>();
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
