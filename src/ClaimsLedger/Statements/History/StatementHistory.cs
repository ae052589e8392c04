using System.Text.Json.Serialization;
using ClaimsLedger.Statements.GettingDetails;
using JasperFx.Events;
using JasperFx.Events.Aggregation;
using JasperFx.Events.Daemon;
using Marten;
using Marten.Events.Aggregation;

namespace ClaimsLedger.Statements.History;

/// <summary>The statement as it stood after event <paramref name="EventVersion"/>, recorded at <paramref name="KnownFrom"/>.</summary>
public sealed record StatementState(long EventVersion, DateTimeOffset KnownFrom, StatementDetails Details);

/// <summary>
/// Every state a statement has been in, each with the recorded time it began: the first stage of the
/// "History" composite projection. The second stage turns it into the bitemporal indexes the views
/// read with knownAt: statement revisions (lists) and timeline revisions (positions).
/// </summary>
public sealed record StatementHistory(Guid Id, IReadOnlyList<StatementState> States)
{
    public long Version { get; set; }

    /// <summary>
    /// The first state whose revisions the latest batch changed: the state the statement was in when the batch began
    /// (its end is now known) and every state the batch added. Earlier states' revisions were written by earlier batches
    /// and cannot change, since events are immutable. Set by <see cref="StatementHistoryProjection"/> for each batch and
    /// read by the second stage from the history it is handed; not stored (a history read back from the database is
    /// always handed over again through the projection, which sets it).
    /// </summary>
    [JsonIgnore]
    public int ChangedFrom { get; init; }

    /// <summary>The statement as it stands now.</summary>
    [JsonIgnore]
    public StatementDetails Current => States[^1].Details;

    /// <summary>When state <paramref name="index"/> stopped holding (recorded time), or null while it holds.</summary>
    public DateTimeOffset? KnownUntil(int index) => index + 1 < States.Count ? States[index + 1].KnownFrom : null;

    public static StatementHistory Start(IEvent e, StatementDetails details) =>
        new(details.Id, [new StatementState(e.Version, e.Timestamp, details)]);

    /// <summary>
    /// Folds one more event. An event the history already holds is ignored, so replaying a stretch of
    /// the log over it (as a rebuild that must re-read a range does) changes nothing.
    /// </summary>
    public StatementHistory Then(IEvent e, Func<StatementDetails, StatementDetails> evolve) =>
        e.Version <= States[^1].EventVersion
            ? this
            : this with { States = [.. States, new StatementState(e.Version, e.Timestamp, evolve(Current))] };
}

/// <summary>
/// The first stage of "History". Explicit rather than conventional so it can heal: if the daemon ever
/// hands it a statement's later event without the state built so far (a missing snapshot), it refolds
/// that statement from its own stream up to the event instead of failing the whole projection forever.
/// </summary>
public sealed class StatementHistoryProjection : SingleStreamProjection<StatementHistory, Guid>
{
    public StatementHistoryProjection()
    {
        // A statement's follow-ups (assessments, sources, corrections) arrive pages after it was recorded:
        // keep recent histories rather than read each back on every page that touches it.
        Options.CacheLimitPerTenant = 10_000;
        // Only a statement stream's events reach this projection.
        IncludeType<StatementRecorded>();
        IncludeType<SourceAdded>();
        IncludeType<QuoteCorrected>();
        IncludeType<AttributionCorrected>();
        IncludeType<StatementRetracted>();
        IncludeType<StatementWithdrawn>();
        IncludeType<StanceAssessed>();
        IncludeType<ClaimLinked>();
    }

    /// <summary>
    /// One batch's events for one statement, folded one by one (<see cref="ThenAsync"/>), and the history marked with
    /// the first state whose revisions the batch changed (<see cref="StatementHistory.ChangedFrom"/>): the second stage
    /// then writes those revisions only, not every revision the statement ever had.
    /// </summary>
    public override async ValueTask<(StatementHistory?, ActionType)> DetermineActionAsync(IQuerySession session, StatementHistory? snapshot, Guid identity,
        IIdentitySetter<StatementHistory, Guid> identitySetter, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        var statesBefore = snapshot?.States.Count ?? 0;
        var history = snapshot;
        foreach (var e in events)
        {
            history = await ThenAsync(history, identity, session, e, cancellation);
        }

        return history is null
            ? (snapshot, ActionType.Nothing)
            : (history with { ChangedFrom = Math.Max(0, Math.Min(statesBefore, history.States.Count) - 1) }, ActionType.Store);
    }

    /// <summary>One event onto the history; a later event arriving without the history so far refolds the stream up to it.</summary>
    private static async ValueTask<StatementHistory?> ThenAsync(
        StatementHistory? snapshot, Guid id, IQuerySession session, IEvent e, CancellationToken cancellation)
    {
        if (snapshot?.States is not { Count: > 0 } && e.Data is not StatementRecorded && e.Version > 1)
        {
            snapshot = null;
            foreach (var earlier in await session.Events.FetchStreamAsync(id, e.Version - 1, token: cancellation))
            {
                snapshot = Fold(snapshot, earlier);
            }
        }

        return Fold(snapshot, e);
    }

    /// <summary>One event onto the history; events a statement stream does not hold leave it as it was.</summary>
    public static StatementHistory? Fold(StatementHistory? history, IEvent e) => e switch
    {
        IEvent<StatementRecorded> recorded => history ?? StatementHistory.Start(e, StatementDetails.Recorded(recorded)),
        _ when history?.States is not { Count: > 0 } => history,
        IEvent<SourceAdded> added => history.Then(e, details => details.With(added)),
        IEvent<QuoteCorrected> corrected => history.Then(e, details => details.With(corrected)),
        IEvent<AttributionCorrected> corrected => history.Then(e, details => details.With(corrected)),
        IEvent<StatementRetracted> retracted => history.Then(e, details => details.With(retracted)),
        IEvent<StatementWithdrawn> withdrawn => history.Then(e, details => details.With(withdrawn)),
        IEvent<StanceAssessed> assessed => history.Then(e, details => details.With(assessed)),
        IEvent<ClaimLinked> linked => history.Then(e, details => details.With(linked)),
        _ => history,
    };
}
