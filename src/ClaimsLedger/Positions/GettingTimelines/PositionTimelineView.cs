using ClaimsLedger.Infrastructure;
using ClaimsLedger.Statements;
using ClaimsLedger.Statements.GettingDetails;
using ClaimsLedger.Topics;
using ClaimsLedger.Topics.GettingDetails;

namespace ClaimsLedger.Positions.GettingTimelines;

/// <summary>A rung, with its place on the ladder (0 = bottom).</summary>
public sealed record StanceView(string Key, string Label, int Rank);

public sealed record TopicView(Guid Id, string Title, IReadOnlyList<StanceView> Ladder);

public sealed record TimelineEntryView(
    Guid StatementId,
    StatedTime StatedAt,
    DateTimeOffset RecordedAt,
    string Quote,
    QuoteKind Kind,
    Attribution Attribution,
    IReadOnlyList<Source> Sources,
    StanceView Stance,
    string? Rationale,
    bool Retracted,
    Retraction? Retraction);

/// <summary>A change of position between two consecutive assessed statements.</summary>
public sealed record ShiftView(
    Guid FromStatementId,
    Guid ToStatementId,
    StatedTime FromStatedAt,
    StatedTime ToStatedAt,
    StanceView From,
    StanceView To,
    int Steps,
    FlipRating Rating);

public sealed record CurrentPosition(StanceView Stance, Guid StatementId, StatedTime StatedAt);

/// <summary>Where an actor has stood on a topic over stated time, the shifts between, and where it stands now.</summary>
public sealed record PositionTimelineView(
    ActorRef Actor,
    TopicView Topic,
    IReadOnlyList<TimelineEntryView> Entries,
    IReadOnlyList<ShiftView> Shifts,
    CurrentPosition? Current)
{
    /// <summary>
    /// Reads a stored timeline on the topic's ladder. Retracted statements stay on the timeline,
    /// marked, but no longer count as positions: shifts and the current position skip them.
    /// </summary>
    public static PositionTimelineView Of(ActorRef actor, TopicDetails topic, IReadOnlyList<TimelineEntry> entries)
    {
        var ladder = topic.Ladder;
        var views = entries.Select(entry => new TimelineEntryView(
                entry.StatementId, entry.StatedAt, entry.RecordedAt, entry.Quote, entry.Kind, entry.Attribution, entry.Sources,
                StanceOf(ladder, entry.Stance), entry.Rationale, entry.Retraction is not null, entry.Retraction))
            .ToList();

        var standing = views.Where(view => !view.Retracted && view.Stance.Rank >= 0).ToList();
        var shifts = new List<ShiftView>();
        var previousMove = 0;
        for (var index = 1; index < standing.Count; index++)
        {
            var (from, to) = (standing[index - 1], standing[index]);
            var steps = to.Stance.Rank - from.Stance.Rank;
            shifts.Add(new ShiftView(from.StatementId, to.StatementId, from.StatedAt, to.StatedAt, from.Stance, to.Stance, steps,
                FlipRule.Rate(from.Stance.Rank, to.Stance.Rank, previousMove, ladder.Span)));
            previousMove = steps != 0 ? steps : previousMove;
        }

        var last = standing.LastOrDefault();
        return new PositionTimelineView(
            actor,
            new TopicView(topic.Id, topic.Title, [.. ladder.Rungs.Select(rung => StanceOf(ladder, rung.Key))]),
            views,
            shifts,
            last is null ? null : new CurrentPosition(last.Stance, last.StatementId, last.StatedAt));
    }

    private static StanceView StanceOf(StanceLadder ladder, string key)
    {
        var rank = ladder.RankOf(key);
        return new StanceView(key, rank >= 0 ? ladder.Rungs[rank].Label : key, rank);
    }
}
