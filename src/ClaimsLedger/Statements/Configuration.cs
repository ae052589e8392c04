using ClaimsLedger.Statements.GettingDetails;
using ClaimsLedger.Statements.History;
using JasperFx.Events.Projections;
using Marten;

namespace ClaimsLedger.Statements;

public static class Configuration
{
    /// <summary>The async composite projection whose first stage keeps every statement's history.</summary>
    public const string HistoryProjection = "History";

    /// <summary>Events the History composite takes per page (Marten's default is 500).</summary>
    public const int HistoryBatchSize = 5000;

    public static StoreOptions AddStatements(this StoreOptions options)
    {
        options.Projections.CompositeProjectionFor(HistoryProjection, composite =>
        {
            // Events per page, for the live daemon and a rebuild alike. Each page loads and rewrites every
            // history and timeline it touches once, so larger pages mean fewer round trips and fewer rewrites
            // of the same (large) timeline documents: the rebuild profile was dominated by them (docs/benchmarks.md, figure 3).
            composite.Options.BatchSize = HistoryBatchSize;
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
