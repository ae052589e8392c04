using JasperFx.Events;
using Marten.Events.Aggregation;

namespace ClaimsLedger.Claims;

/// <summary>A verdict as recorded: an issue, or a revision of <paramref name="Revises"/> with its reason.</summary>
public sealed record VerdictRecord(Guid VerdictId, Guid? Revises, Finding Finding, string? Reason, DateTimeOffset RecordedAt, string? RecordedBy);

/// <summary>
/// Everything recorded on a claim's stream: the claim, every verdict and revision, in order of record.
/// Entries are only ever added, so "as known at K" is this document's entries recorded by K. The
/// statements linked to it are read from their own views (the link is an event of the statement).
/// </summary>
public sealed record ClaimHistory(
    Guid Id,
    string Text,
    string? Context,
    IReadOnlyList<Guid> TopicIds,
    Guid RatingScaleId,
    DateTimeOffset OpenedAt,
    string? OpenedBy,
    IReadOnlyList<VerdictRecord> Verdicts)
{
    public long Version { get; set; }

    /// <summary>The verdict in force (the last issued or revised), if any.</summary>
    public VerdictRecord? Current => Verdicts.Count == 0 ? null : Verdicts[^1];
}

/// <summary>Inline, so an editor reads the verdict they just issued.</summary>
public sealed partial class ClaimHistoryProjection : SingleStreamProjection<ClaimHistory, Guid>
{
    public static ClaimHistory Create(IEvent<ClaimOpened> e) =>
        new(e.Data.ClaimId, e.Data.Text, e.Data.Context, e.Data.TopicIds, e.Data.RatingScaleId, e.Timestamp, e.UserName, []);

    public static ClaimHistory Apply(IEvent<VerdictIssued> e, ClaimHistory history) =>
        history with { Verdicts = [.. history.Verdicts, new VerdictRecord(e.Data.VerdictId, null, e.Data.Finding, null, e.Timestamp, e.UserName)] };

    public static ClaimHistory Apply(IEvent<VerdictRevised> e, ClaimHistory history) =>
        history with { Verdicts = [.. history.Verdicts, new VerdictRecord(e.Data.VerdictId, e.Data.Revises, e.Data.Finding, e.Data.Reason, e.Timestamp, e.UserName)] };
}
