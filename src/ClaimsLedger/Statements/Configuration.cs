using ClaimsLedger.Statements.GettingDetails;
using ClaimsLedger.Statements.History;
using JasperFx.Events.Projections;
using Marten;

namespace ClaimsLedger.Statements;

public static class Configuration
{
    /// <summary>The async composite projection whose first stage keeps every statement's history.</summary>
    public const string HistoryProjection = "History";

    /// <summary>Events per page of the StatementDetails rebuild (Marten's default is 500).</summary>
    public const int RebuildBatchSize = 5000;

    /// <summary>The setting for events per page of the History composite, live and in a rebuild (<see cref="DefaultHistoryBatchSize"/>).</summary>
    public const string HistoryBatchSizeKey = "Projections:HistoryBatchSize";

    /// <summary>
    /// Events per page of the History composite (Marten's default is 500). Each page reads, folds and writes once the
    /// histories and timelines it touches, and a statement's follow-ups arrive pages after it was recorded: larger
    /// pages mean fewer round trips and fewer rewrites of the same history (docs/benchmarks-history.md, figure 3).
    /// </summary>
    public const int DefaultHistoryBatchSize = 5000;

    public static StoreOptions AddStatements(this StoreOptions options, int historyBatchSize = DefaultHistoryBatchSize)
    {
        options.Projections.CompositeProjectionFor(HistoryProjection, composite =>
        {
            composite.Options.BatchSize = historyBatchSize;
            composite.Add<StatementHistoryProjection>();
            composite.Add<StatementRevisionProjection>(2);
        });
        options.Schema.For<StatementRevision>()
            .Duplicate(revision => revision.KnownFrom)
            .Duplicate(revision => revision.KnownUntil)
            .Duplicate(revision => revision.SpeakerId)
            .Duplicate(revision => revision.StatedStart);

        // Inline: whoever records or corrects a statement reads their own write at once.
        options.Projections.Add<StatementDetailsProjection>(ProjectionLifecycle.Inline);
        options.Schema.For<StatementDetails>()
            .Duplicate(details => details.Attribution.SpeakerId)
            .Duplicate(details => details.Attribution.OrganizationId)
            .Duplicate(details => details.StatedStart);
        return options;
    }
}
