using ClaimsLedger.Statements;
using ClaimsLedger.Statements.GettingDetails;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace ClaimsLedger.Positions;

/// <summary>
/// First stage of the positions projection: a statement's current state, plus every actor it
/// has ever been attributed to. The second stage routes each update to the timelines of all
/// those actors, so a corrected attribution leaves the old actor's timeline as it joins the new one.
/// </summary>
public sealed record StatementPlacement(Guid Id, StatementDetails Statement, IReadOnlyList<ActorRef> Actors)
{
    public long Version { get; set; }

    /// <summary>Every timeline this statement is, or has been, part of.</summary>
    public IEnumerable<string> TimelineIds() =>
        from actor in Actors
        from reading in Statement.Stances
        select new TimelineKey(actor.Kind, actor.Id, reading.TopicId).ToString();

    public StatementPlacement With(StatementDetails statement)
    {
        var actors = Actors.ToList();
        foreach (var actor in ActorRef.Of(statement.Attribution))
        {
            if (!actors.Any(known => known.Kind == actor.Kind && known.Id == actor.Id))
            {
                actors.Add(actor);
            }
        }

        return this with { Statement = statement, Actors = actors };
    }
}

public sealed partial class StatementPlacementProjection : SingleStreamProjection<StatementPlacement, Guid>
{
    public static StatementPlacement Create(IEvent<StatementRecorded> e)
    {
        var statement = StatementDetails.Recorded(e);
        return new StatementPlacement(statement.Id, statement, [.. ActorRef.Of(statement.Attribution)]);
    }

    public static StatementPlacement Apply(IEvent<SourceAdded> e, StatementPlacement placement) => placement.With(placement.Statement.With(e));

    public static StatementPlacement Apply(IEvent<QuoteCorrected> e, StatementPlacement placement) => placement.With(placement.Statement.With(e));

    public static StatementPlacement Apply(IEvent<AttributionCorrected> e, StatementPlacement placement) => placement.With(placement.Statement.With(e));

    public static StatementPlacement Apply(IEvent<StatementRetracted> e, StatementPlacement placement) => placement.With(placement.Statement.With(e));

    public static StatementPlacement Apply(IEvent<StatementWithdrawn> e, StatementPlacement placement) => placement.With(placement.Statement.With(e));

    public static StatementPlacement Apply(IEvent<StanceAssessed> e, StatementPlacement placement) => placement.With(placement.Statement.With(e));
}
