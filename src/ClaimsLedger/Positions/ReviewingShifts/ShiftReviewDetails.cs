using JasperFx.Events;
using Marten.Events.Aggregation;

namespace ClaimsLedger.Positions.ReviewingShifts;

/// <summary>A judgement of a computed shift, as recorded, with who recorded it and when (the event's metadata).</summary>
public sealed record ShiftJudgementRecord(
    Guid FromStatementId,
    Guid ToStatementId,
    ShiftJudgement Judgement,
    FlipRating ComputedRating,
    FlipRating Rating,
    string? Reason,
    string? RecordedBy,
    DateTimeOffset RecordedAt);

/// <summary>A recorded (missed) shift, as recorded, with who recorded it and when.</summary>
public sealed record RecordedShiftRecord(IReadOnlyList<ShiftEvidence> Statements, FlipRating Rating, string Reason, string? RecordedBy, DateTimeOffset RecordedAt);

/// <summary>
/// Everything recorded on a timeline's review stream, in order of record. Entries are only ever added
/// (one per event), so the review as known at K is the entries recorded by K, and the one in force for a
/// shift is the last of them; the review version as known at K is how many there are.
/// </summary>
public sealed record ShiftReviewDetails(Guid Id, TimelineKey Timeline, IReadOnlyList<ShiftJudgementRecord> Judgements, IReadOnlyList<RecordedShiftRecord> Records)
{
    public long Version { get; set; }

    /// <summary>The review as known at <paramref name="knownAt"/> (everything when null).</summary>
    public ShiftReviewDetails KnownAt(DateTimeOffset? knownAt) =>
        knownAt is not { } bound
            ? this
            : this with
            {
                Judgements = [.. Judgements.Where(judgement => judgement.RecordedAt <= bound)],
                Records = [.. Records.Where(record => record.RecordedAt <= bound)],
            };

    /// <summary>How many review events these entries are: the stream version to send as expectedVersion.</summary>
    public long EntryCount => Judgements.Count + Records.Count;

    /// <summary>The judgement in force on the shift from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public ShiftJudgementRecord? JudgementOf(Guid from, Guid to) =>
        Judgements.LastOrDefault(judgement => judgement.FromStatementId == from && judgement.ToStatementId == to);

    /// <summary>The recorded shifts in force: the last record over each set of statements.</summary>
    public IEnumerable<RecordedShiftRecord> RecordsInForce() =>
        Records.GroupBy(record => ShiftReview.SetKey(record.Statements.Select(statement => statement.StatementId))).Select(group => group.Last());
}

/// <summary>Inline, so an editor reads the judgement they just made on the timeline.</summary>
public sealed partial class ShiftReviewDetailsProjection : SingleStreamProjection<ShiftReviewDetails, Guid>
{
    public ShiftReviewDetailsProjection()
    {
        // Evolve declares no event types by itself: without these, every stream's events would come here.
        IncludeType<ShiftConfirmed>();
        IncludeType<ShiftRatingOverridden>();
        IncludeType<ShiftRecorded>();
    }

    public override ShiftReviewDetails? Evolve(ShiftReviewDetails? snapshot, Guid id, IEvent e) => e.Data switch
    {
        ShiftConfirmed confirmed => Judged(snapshot, id, confirmed.Timeline, new ShiftJudgementRecord(confirmed.FromStatementId,
            confirmed.ToStatementId, ShiftJudgement.Confirmed, confirmed.Rating, confirmed.Rating, confirmed.Note, e.UserName, e.Timestamp)),
        ShiftRatingOverridden overridden => Judged(snapshot, id, overridden.Timeline, new ShiftJudgementRecord(overridden.FromStatementId,
            overridden.ToStatementId, ShiftJudgement.Overridden, overridden.ComputedRating, overridden.Rating, overridden.Reason, e.UserName, e.Timestamp)),
        ShiftRecorded recorded => Recorded(snapshot, id, recorded.Timeline,
            new RecordedShiftRecord(recorded.Statements, recorded.Rating, recorded.Reason, e.UserName, e.Timestamp)),
        _ => snapshot,
    };

    private static ShiftReviewDetails Judged(ShiftReviewDetails? snapshot, Guid id, TimelineKey timeline, ShiftJudgementRecord judgement)
    {
        var details = Start(snapshot, id, timeline);
        return details with { Judgements = [.. details.Judgements, judgement] };
    }

    private static ShiftReviewDetails Recorded(ShiftReviewDetails? snapshot, Guid id, TimelineKey timeline, RecordedShiftRecord record)
    {
        var details = Start(snapshot, id, timeline);
        return details with { Records = [.. details.Records, record] };
    }

    private static ShiftReviewDetails Start(ShiftReviewDetails? snapshot, Guid id, TimelineKey timeline) =>
        snapshot ?? new ShiftReviewDetails(id, timeline, [], []);
}
