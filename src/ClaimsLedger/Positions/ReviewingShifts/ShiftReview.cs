using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using ClaimsLedger.Infrastructure;

namespace ClaimsLedger.Positions.ReviewingShifts;

/// <summary>What an editor made of a computed shift.</summary>
public enum ShiftJudgement
{
    /// <summary>The computed rating stands.</summary>
    Confirmed,

    /// <summary>The editor rates the shift otherwise, with a reason.</summary>
    Overridden,
}

/// <summary>One statement a recorded shift links: its id, when it was said, and the stance it held on the topic when linked.</summary>
public sealed record ShiftEvidence(Guid StatementId, StatedTime StatedAt, string Stance);

// Events of a shift review stream: one stream per position timeline (actor x topic), its id derived
// from the timeline's key. Each event names the timeline it is about, so the log reads on its own.

/// <summary>
/// An editor confirmed the computed shift from <paramref name="FromStatementId"/> to
/// <paramref name="ToStatementId"/>, rated <paramref name="Rating"/> when confirmed.
/// </summary>
public sealed record ShiftConfirmed(TimelineKey Timeline, Guid FromStatementId, Guid ToStatementId, FlipRating Rating, string? Note);

/// <summary>
/// An editor rated the computed shift from <paramref name="FromStatementId"/> to <paramref name="ToStatementId"/>
/// <paramref name="Rating"/> instead of the <paramref name="ComputedRating"/> the Flip rule gave it, for <paramref name="Reason"/>.
/// </summary>
public sealed record ShiftRatingOverridden(
    TimelineKey Timeline, Guid FromStatementId, Guid ToStatementId, FlipRating ComputedRating, FlipRating Rating, string Reason);

/// <summary>
/// An editor recorded a shift the computation does not show (statements far apart, or a move the
/// ladder cannot see), linking two or more of the actor's statements on the topic, in stated order.
/// </summary>
public sealed record ShiftRecorded(TimelineKey Timeline, IReadOnlyList<ShiftEvidence> Statements, FlipRating Rating, string Reason);

/// <summary>The judgement in force on one computed shift.</summary>
public sealed record JudgementInForce(ShiftJudgement Judgement, FlipRating ComputedRating, FlipRating Rating, string? Reason);

/// <summary>A recorded shift in force: the latest record over the same statements.</summary>
public sealed record RecordInForce(FlipRating Rating, string Reason);

/// <summary>
/// Write model of one timeline's editorial review: the judgement in force on each computed shift (by
/// its two statements) and the recorded shifts in force (by the set of statements they link). A later
/// judgement or record of the same shift supersedes the earlier one; both stay in the log.
/// </summary>
public sealed record ShiftReview(
    Guid Id,
    TimelineKey Timeline,
    ImmutableDictionary<string, JudgementInForce> Judgements,
    ImmutableDictionary<string, RecordInForce> Records)
{
    /// <summary>
    /// The review stream of a timeline: a name-based id (SHA-256 of the timeline's key, UUID version 8),
    /// so the stream is found from the timeline alone and two first reviews race on one stream.
    /// </summary>
    public static Guid StreamId(TimelineKey key)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"claimsledger/shift-review/v1\n{key}"));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>The review of a timeline nobody has reviewed yet.</summary>
    public static ShiftReview Empty(TimelineKey key) => new(StreamId(key), key, ImmutableDictionary<string, JudgementInForce>.Empty,
        ImmutableDictionary<string, RecordInForce>.Empty);

    /// <summary>A computed shift is named by its two statements, in timeline order.</summary>
    public static string PairKey(Guid from, Guid to) => $"{from:N}>{to:N}";

    /// <summary>A recorded shift is named by the set of statements it links, whatever order they were sent in.</summary>
    public static string SetKey(IEnumerable<Guid> statements) => string.Join('+', statements.Select(id => id.ToString("N")).Order(StringComparer.Ordinal));

    public JudgementInForce? JudgementOf(Guid from, Guid to) => Judgements.GetValueOrDefault(PairKey(from, to));

    public RecordInForce? RecordOf(IEnumerable<Guid> statements) => Records.GetValueOrDefault(SetKey(statements));

    public static ShiftReview Create(ShiftConfirmed confirmed) => Empty(confirmed.Timeline).Apply(confirmed);

    public static ShiftReview Create(ShiftRatingOverridden overridden) => Empty(overridden.Timeline).Apply(overridden);

    public static ShiftReview Create(ShiftRecorded recorded) => Empty(recorded.Timeline).Apply(recorded);

    public ShiftReview Apply(ShiftConfirmed confirmed) => this with
    {
        Judgements = Judgements.SetItem(PairKey(confirmed.FromStatementId, confirmed.ToStatementId),
            new JudgementInForce(ShiftJudgement.Confirmed, confirmed.Rating, confirmed.Rating, confirmed.Note)),
    };

    public ShiftReview Apply(ShiftRatingOverridden overridden) => this with
    {
        Judgements = Judgements.SetItem(PairKey(overridden.FromStatementId, overridden.ToStatementId),
            new JudgementInForce(ShiftJudgement.Overridden, overridden.ComputedRating, overridden.Rating, overridden.Reason)),
    };

    public ShiftReview Apply(ShiftRecorded recorded) => this with
    {
        Records = Records.SetItem(SetKey(recorded.Statements.Select(statement => statement.StatementId)),
            new RecordInForce(recorded.Rating, recorded.Reason)),
    };
}
