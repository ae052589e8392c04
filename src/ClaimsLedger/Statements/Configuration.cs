using ClaimsLedger.Statements.GettingDetails;
using ClaimsLedger.Statements.History;
using JasperFx.Events.Projections;
using Marten;

namespace ClaimsLedger.Statements;

public static class Configuration
{
    /// <summary>The async composite projection whose first stage keeps every statement's history.</summary>
    public const string HistoryProjection = "History";

    /// <summary>
    /// Events per page of the StatementDetails rebuild (Marten's default is 500). The History composite keeps
    /// Marten's 500: tests/.../Faults/ServiceKillTests kills the service part-way through its replay, which needs
    /// a small log to span several pages.
    /// </summary>
    public const int RebuildBatchSize = 5000;

    public static StoreOptions AddStatements(this StoreOptions options)
    {
        options.Projections.CompositeProjectionFor(HistoryProjection, composite =>
        {
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
