using ClaimsLedger.Infrastructure;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace ClaimsLedger.Statements.GettingDetails;

/// <summary>A fact-checker's reading of the statement on one topic.</summary>
public sealed record StanceReading(Guid TopicId, string Stance, string? Rationale, DateTimeOffset AssessedAt);

/// <summary>A correction, with what it replaced: the original stays visible.</summary>
public sealed record Correction(string Kind, string Reason, DateTimeOffset RecordedAt, string? PreviousQuote, Attribution? PreviousAttribution);

/// <summary>A claim the statement is linked to, with the relation in force and when it was linked.</summary>
public sealed record ClaimLink(Guid ClaimId, ClaimRelation Relation, string? Note, DateTimeOffset LinkedAt);

public sealed record Retraction(StatedTime RetractedAt, Source? Source, string? Note, DateTimeOffset RecordedAt);

/// <summary>
/// Read model of one statement as it stands: the current quote and attribution, every source,
/// stance readings, corrections with what they replaced, and its status.
/// </summary>
public sealed record StatementDetails(
    Guid Id,
    Attribution Attribution,
    string Quote,
    QuoteKind Kind,
    StatedTime StatedAt,
    IReadOnlyList<Guid> TopicIds,
    IReadOnlyList<StanceReading> Stances,
    IReadOnlyList<Source> Sources,
    StatementStatus Status,
    Retraction? Retraction,
    string? WithdrawalReason,
    IReadOnlyList<Correction> Corrections,
    DateTimeOffset RecordedAt,
    DateTimeOffset LastChangedAt)
{
    public long Version { get; set; }

    /// <summary>The claims the statement makes, restates or contradicts (linked by fact-checkers).</summary>
    public IReadOnlyList<ClaimLink> Claims { get; init; } = [];

    /// <summary>Start of the stated period: what lists sort and filter on.</summary>
    public DateTimeOffset StatedStart => StatedAt.Start;

    /// <summary>
    /// The statement as the world stood at <see cref="TimeTravel.AsOf"/>: a retraction made later has
    /// not happened yet, and reports published later do not exist yet. Corrections and withdrawals are
    /// facts about our record, not about the world: they follow <see cref="TimeTravel.KnownAt"/> only.
    /// </summary>
    public StatementDetails AsOf(TimeTravel travel)
    {
        if (travel.AsOf is null)
        {
            return this;
        }

        var retracted = Retraction is not null && travel.HasBeenStated(Retraction.RetractedAt);
        return this with
        {
            Retraction = retracted ? Retraction : null,
            Status = Status == StatementStatus.Retracted && !retracted ? StatementStatus.Active : Status,
            Sources = [.. Sources.Where(source => source.PublishedAt is not { } published || travel.HasBeenStated(published))],
        };
    }

    // The fold, shared by every projection that needs a statement's current state.

    public static StatementDetails Recorded(IEvent<StatementRecorded> e) =>
        new(e.Data.StatementId, e.Data.Attribution, e.Data.Quote, e.Data.Kind, e.Data.StatedAt, e.Data.TopicIds, [], [e.Data.Source],
            StatementStatus.Active, null, null, [], e.Timestamp, e.Timestamp);

    public StatementDetails With(IEvent<SourceAdded> e) =>
        this with { Sources = [.. Sources, e.Data.Source], LastChangedAt = e.Timestamp };

    public StatementDetails With(IEvent<QuoteCorrected> e) =>
        this with
        {
            Quote = e.Data.Quote,
            Kind = e.Data.Kind,
            Corrections = [.. Corrections, new Correction("quote", e.Data.Reason, e.Timestamp, Quote, null)],
            LastChangedAt = e.Timestamp,
        };

    public StatementDetails With(IEvent<AttributionCorrected> e) =>
        this with
        {
            Attribution = e.Data.Attribution,
            Corrections = [.. Corrections, new Correction("attribution", e.Data.Reason, e.Timestamp, null, Attribution)],
            LastChangedAt = e.Timestamp,
        };

    public StatementDetails With(IEvent<StatementRetracted> e) =>
        this with
        {
            Status = Status == StatementStatus.Withdrawn ? Status : StatementStatus.Retracted,
            Retraction = new Retraction(e.Data.RetractedAt, e.Data.Source, e.Data.Note, e.Timestamp),
            LastChangedAt = e.Timestamp,
        };

    public StatementDetails With(IEvent<StatementWithdrawn> e) =>
        this with { Status = StatementStatus.Withdrawn, WithdrawalReason = e.Data.Reason, LastChangedAt = e.Timestamp };

    public StatementDetails With(IEvent<ClaimLinked> e) =>
        this with
        {
            Claims = [.. Claims.Where(link => link.ClaimId != e.Data.ClaimId), new ClaimLink(e.Data.ClaimId, e.Data.Relation, e.Data.Note, e.Timestamp)],
            LastChangedAt = e.Timestamp,
        };

    public StatementDetails With(IEvent<StanceAssessed> e) =>
        this with
        {
            Stances = [.. Stances.Where(reading => reading.TopicId != e.Data.TopicId), new StanceReading(e.Data.TopicId, e.Data.Stance, e.Data.Rationale, e.Timestamp)],
            TopicIds = TopicIds.Contains(e.Data.TopicId) ? TopicIds : [.. TopicIds, e.Data.TopicId],
            LastChangedAt = e.Timestamp,
        };
}

/// <summary>Inline, so a recorder reads their own write straight away.</summary>
public sealed partial class StatementDetailsProjection : SingleStreamProjection<StatementDetails, Guid>
{
    /// <summary>
    /// Inline, so these only govern a rebuild on the daemon: larger pages and recently folded statements kept
    /// between pages (fewer round trips, each document read back and rewritten less often).
    /// </summary>
    public StatementDetailsProjection()
    {
        Options.BatchSize = Configuration.RebuildBatchSize;
        Options.CacheLimitPerTenant = 10_000;
    }

    public static StatementDetails Create(IEvent<StatementRecorded> e) => StatementDetails.Recorded(e);

    public static StatementDetails Apply(IEvent<SourceAdded> e, StatementDetails details) => details.With(e);

    public static StatementDetails Apply(IEvent<QuoteCorrected> e, StatementDetails details) => details.With(e);

    public static StatementDetails Apply(IEvent<AttributionCorrected> e, StatementDetails details) => details.With(e);

    public static StatementDetails Apply(IEvent<StatementRetracted> e, StatementDetails details) => details.With(e);

    public static StatementDetails Apply(IEvent<StatementWithdrawn> e, StatementDetails details) => details.With(e);

    public static StatementDetails Apply(IEvent<StanceAssessed> e, StatementDetails details) => details.With(e);

    public static StatementDetails Apply(IEvent<ClaimLinked> e, StatementDetails details) => details.With(e);
}
