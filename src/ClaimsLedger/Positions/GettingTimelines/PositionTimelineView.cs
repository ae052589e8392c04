using ClaimsLedger.Infrastructure;
using ClaimsLedger.Positions.ReviewingShifts;
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

/// <summary>
/// An editor's judgement in force on a computed shift: <c>confirmed</c> (the computed rating stands) or
/// <c>overridden</c> (<paramref name="Rating"/> instead, for <paramref name="Reason"/>). <paramref name="ComputedRating"/>
/// is what the Flip rule gave when the editor judged; <paramref name="Outdated"/> is true when the rule now gives
/// something else (a statement was re-assessed or one was recorded in between since), so the judgement is of an
/// earlier reading of the shift.
/// </summary>
public sealed record ShiftEditorialView(
    ShiftJudgement Judgement,
    FlipRating Rating,
    FlipRating ComputedRating,
    string? Reason,
    string? RecordedBy,
    DateTimeOffset RecordedAt,
    bool Outdated);

/// <summary>A change of position between two consecutive assessed statements.</summary>
public sealed record ShiftView(
    Guid FromStatementId,
    Guid ToStatementId,
    StatedTime FromStatedAt,
    StatedTime ToStatedAt,
    StanceView From,
    StanceView To,
    int Steps,
    FlipRating Rating)
{
    /// <summary>The editor's judgement in force on this shift, or null when none has been recorded. <see cref="Rating"/> stays the computed one.</summary>
    public ShiftEditorialView? Editorial { get; init; }
}

/// <summary>
/// One statement a recorded shift links: when it was said, the stance the editor linked it with, and, while it
/// is on the timeline, its quote and sources (<paramref name="OnTimeline"/> is false once it was withdrawn or
/// attributed elsewhere, and its quote and sources are then not shown).
/// </summary>
public sealed record RecordedShiftStatementView(
    Guid StatementId,
    StatedTime StatedAt,
    StanceView Stance,
    string? Quote,
    IReadOnlyList<Source> Sources,
    bool OnTimeline);

/// <summary>A shift an editor recorded because the computation does not show it, with its rating, reason, who and when.</summary>
public sealed record RecordedShiftView(
    IReadOnlyList<RecordedShiftStatementView> Statements,
    FlipRating Rating,
    string Reason,
    string? RecordedBy,
    DateTimeOffset RecordedAt);

public sealed record CurrentPosition(StanceView Stance, Guid StatementId, StatedTime StatedAt);

/// <summary>Where an actor has stood on a topic over stated time, the shifts between, and where it stands now.</summary>
public sealed record PositionTimelineView(
    ActorRef Actor,
    TopicView Topic,
    IReadOnlyList<TimelineEntryView> Entries,
    IReadOnlyList<ShiftView> Shifts,
    CurrentPosition? Current)
{
    /// <summary>Shifts an editor recorded on this timeline (the computation missed them), in stated order of their last statement.</summary>
    public IReadOnlyList<RecordedShiftView> RecordedShifts { get; init; } = [];

    /// <summary>The version of this timeline's editorial review: send it as <c>expectedVersion</c> when confirming, overriding or recording a shift (0 before any).</summary>
    public long ReviewVersion { get; init; }

    /// <summary>
    /// Reads a stored timeline on the topic's ladder. Retracted statements stay on the timeline,
    /// marked, but no longer count as positions: shifts and the current position skip them.
    /// </summary>
    public static PositionTimelineView Of(ActorRef actor, TopicDetails topic, IReadOnlyList<TimelineEntry> entries) =>
        Of(actor, topic.Id, topic.Title, topic.Ladder, entries);

    /// <inheritdoc cref="Of(ActorRef, TopicDetails, IReadOnlyList{TimelineEntry})"/>
    public static PositionTimelineView Of(ActorRef actor, Guid topicId, string topicTitle, StanceLadder ladder, IReadOnlyList<TimelineEntry> entries)
    {
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
            new TopicView(topicId, topicTitle, [.. ladder.Rungs.Select(rung => StanceOf(ladder, rung.Key))]),
            views,
            shifts,
            last is null ? null : new CurrentPosition(last.Stance, last.StatementId, last.StatedAt));
    }

    /// <summary>
    /// The timeline with its editorial review as known at <c>knownAt</c>: each computed shift gets the judgement in
    /// force on it, and the recorded shifts whose statements had all been stated by <c>asOf</c> are listed.
    /// </summary>
    public PositionTimelineView WithReview(ShiftReviewDetails? review, TimeTravel travel)
    {
        if (review is null)
        {
            return this;
        }

        var known = review.KnownAt(travel.KnownAt);
        var shifts = Shifts.Select(shift => known.JudgementOf(shift.FromStatementId, shift.ToStatementId) is { } judgement
                ? shift with
                {
                    Editorial = new ShiftEditorialView(judgement.Judgement, judgement.Rating, judgement.ComputedRating, judgement.Reason,
                        judgement.RecordedBy, judgement.RecordedAt, judgement.ComputedRating != shift.Rating),
                }
                : shift)
            .ToList();

        var entries = Entries.ToDictionary(entry => entry.StatementId);
        var recorded = known.RecordsInForce()
            .Where(record => record.Statements.All(statement => travel.HasBeenStated(statement.StatedAt)))
            .Select(record => new RecordedShiftView(
                [.. record.Statements.Select(statement => entries.TryGetValue(statement.StatementId, out var entry)
                    ? new RecordedShiftStatementView(statement.StatementId, statement.StatedAt, StanceOf(statement.Stance), entry.Quote, entry.Sources, true)
                    : new RecordedShiftStatementView(statement.StatementId, statement.StatedAt, StanceOf(statement.Stance), null, [], false))],
                record.Rating, record.Reason, record.RecordedBy, record.RecordedAt))
            .OrderBy(record => record.Statements[^1].StatedAt)
            .ThenBy(record => record.Statements[0].StatedAt)
            .ThenBy(record => record.RecordedAt)
            .ToList();

        return this with { Shifts = shifts, RecordedShifts = recorded, ReviewVersion = known.EntryCount };
    }

    private StanceView StanceOf(string key) =>
        Topic.Ladder.FirstOrDefault(rung => rung.Key == key) ?? new StanceView(key, key, -1);

    private static StanceView StanceOf(StanceLadder ladder, string key)
    {
        var rank = ladder.RankOf(key);
        return new StanceView(key, rank >= 0 ? ladder.Rungs[rank].Label : key, rank);
    }
}
