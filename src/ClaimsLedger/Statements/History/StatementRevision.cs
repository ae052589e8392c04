using ClaimsLedger.Statements.GettingDetails;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;

namespace ClaimsLedger.Statements.History;

/// <summary>
/// One state of a statement and the recorded-time range it held over ([KnownFrom, KnownUntil)):
/// the index behind <c>GET /api/statements?knownAt=</c>. Its query fields mirror the live view's.
/// </summary>
public sealed record StatementRevision(string Id, Guid StatementId, DateTimeOffset KnownFrom, DateTimeOffset? KnownUntil, StatementDetails Statement)
{
    public Guid SpeakerId => Statement.Attribution.SpeakerId;

    public Guid? OrganizationId => Statement.Attribution.OrganizationId;

    public DateTimeOffset StatedStart => Statement.StatedStart;

    public StatementStatus Status => Statement.Status;

    /// <summary>
    /// The revisions of the states the latest batch changed (<see cref="StatementHistory.ChangedFrom"/> on); a state
    /// superseded within the same instant keeps an empty range, visible at no knownAt, whichever batch saw it first.
    /// </summary>
    public static IEnumerable<StatementRevision> Of(StatementHistory history)
    {
        for (var index = history.ChangedFrom; index < history.States.Count; index++)
        {
            var state = history.States[index];
            var until = history.KnownUntil(index);
            var details = state.Details with { };
            details.Version = state.EventVersion;
            yield return new StatementRevision($"{history.Id}|{state.EventVersion}", history.Id, state.KnownFrom, until, details);
        }
    }
}

/// <summary>Stage 2 of the history composite: the statement revisions.</summary>
public sealed partial class StatementRevisionProjection : EventProjection
{
    public StatementRevisionProjection()
    {
        Name = "StatementRevision";
    }

    public void Project(IEvent<Updated<StatementHistory>> e, IDocumentOperations operations)
    {
        foreach (var revision in StatementRevision.Of(e.Data.Entity))
        {
            operations.Store(revision);
        }
    }
}
