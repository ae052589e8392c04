using System.Text.Json.Serialization;
using ClaimsLedger.Statements;
using ClaimsLedger.Statements.GettingDetails;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace ClaimsLedger.Positions;

/// <summary>The state of a statement after event <paramref name="EventVersion"/>, recorded at <paramref name="KnownFrom"/>.</summary>
public sealed record PlacementRevision(long EventVersion, DateTimeOffset KnownFrom, StatementDetails State);

/// <summary>
/// First stage of the positions projection: every state a statement has been in, with the recorded
/// time each began, plus every actor it has ever been attributed to. The second stage routes each
/// update to the timelines of all those actors (so a corrected attribution leaves the old actor's
/// timeline as it joins the new one), and turns the states into bitemporal timeline revisions.
/// </summary>
public sealed record StatementPlacement(Guid Id, IReadOnlyList<PlacementRevision> Revisions, IReadOnlyList<ActorRef> Actors)
{
    public long Version { get; set; }

    /// <summary>The statement as it stands now.</summary>
    [JsonIgnore]
    public StatementDetails Statement => Revisions[^1].State;

    /// <summary>Every timeline this statement is, or has been, part of.</summary>
    public IEnumerable<TimelineKey> Timelines() =>
        from actor in Actors
        from topicId in Revisions.SelectMany(revision => revision.State.Stances).Select(reading => reading.TopicId).Distinct()
        select new TimelineKey(actor.Kind, actor.Id, topicId);

    public static StatementPlacement Start(IEvent e, StatementDetails state) =>
        new(state.Id, [new PlacementRevision(e.Version, e.Timestamp, state)], [.. ActorRef.Of(state.Attribution)]);

    /// <summary>
    /// Folds one more event. An event this placement already holds is ignored, so replaying a stretch
    /// of the log over it (as a rebuild that must re-read a range does) changes nothing.
    /// </summary>
    public StatementPlacement Then(IEvent e, Func<StatementDetails> next)
    {
        if (e.Version <= Revisions[^1].EventVersion)
        {
            return this;
        }

        var state = next();

        var actors = Actors.ToList();
        actors.AddRange(ActorRef.Of(state.Attribution).Where(actor => !actors.Any(known => known.Kind == actor.Kind && known.Id == actor.Id)));
        return this with { Revisions = [.. Revisions, new PlacementRevision(e.Version, e.Timestamp, state)], Actors = actors };
    }
}

public sealed partial class StatementPlacementProjection : SingleStreamProjection<StatementPlacement, Guid>
{
    public static StatementPlacement Create(IEvent<StatementRecorded> e) => StatementPlacement.Start(e, StatementDetails.Recorded(e));

    public static StatementPlacement Apply(IEvent<SourceAdded> e, StatementPlacement placement) => placement.Then(e, () => placement.Statement.With(e));

    public static StatementPlacement Apply(IEvent<QuoteCorrected> e, StatementPlacement placement) => placement.Then(e, () => placement.Statement.With(e));

    public static StatementPlacement Apply(IEvent<AttributionCorrected> e, StatementPlacement placement) => placement.Then(e, () => placement.Statement.With(e));

    public static StatementPlacement Apply(IEvent<StatementRetracted> e, StatementPlacement placement) => placement.Then(e, () => placement.Statement.With(e));

    public static StatementPlacement Apply(IEvent<StatementWithdrawn> e, StatementPlacement placement) => placement.Then(e, () => placement.Statement.With(e));

    public static StatementPlacement Apply(IEvent<StanceAssessed> e, StatementPlacement placement) => placement.Then(e, () => placement.Statement.With(e));
}
