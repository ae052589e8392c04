using System.Text.Json.Serialization;
using ClaimsLedger.Statements.GettingDetails;
using JasperFx.Events;
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

public sealed partial class StatementHistoryProjection : SingleStreamProjection<StatementHistory, Guid>
{
    public static StatementHistory Create(IEvent<StatementRecorded> e) => StatementHistory.Start(e, StatementDetails.Recorded(e));

    public static StatementHistory Apply(IEvent<SourceAdded> e, StatementHistory history) => history.Then(e, details => details.With(e));

    public static StatementHistory Apply(IEvent<QuoteCorrected> e, StatementHistory history) => history.Then(e, details => details.With(e));

    public static StatementHistory Apply(IEvent<AttributionCorrected> e, StatementHistory history) => history.Then(e, details => details.With(e));

    public static StatementHistory Apply(IEvent<StatementRetracted> e, StatementHistory history) => history.Then(e, details => details.With(e));

    public static StatementHistory Apply(IEvent<StatementWithdrawn> e, StatementHistory history) => history.Then(e, details => details.With(e));

    public static StatementHistory Apply(IEvent<StanceAssessed> e, StatementHistory history) => history.Then(e, details => details.With(e));

    public static StatementHistory Apply(IEvent<ClaimLinked> e, StatementHistory history) => history.Then(e, details => details.With(e));
}
