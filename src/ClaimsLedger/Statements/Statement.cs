using System.Collections.Immutable;
using ClaimsLedger.Infrastructure;

namespace ClaimsLedger.Statements;

/// <summary>
/// direct: whole quoted sentences; partial: a quoted fragment inside the reporter's sentence;
/// indirect: reported speech without quotation marks (a paraphrase, so marked).
/// </summary>
public enum QuoteKind
{
    Direct,
    Partial,
    Indirect,
}

public enum StatementStatus
{
    /// <summary>On the record.</summary>
    Active,

    /// <summary>The speaker walked it back; it stays in views, marked.</summary>
    Retracted,

    /// <summary>We recorded it in error; it stays in the log and leaves the views.</summary>
    Withdrawn,
}

/// <summary>
/// Where a statement was reported: the outlet, the article, when it was published and read,
/// the SHA-256 of the exact text read, and the quote's character offsets in that text
/// (.NET string indices, end exclusive). <paramref name="ReportedVia"/> names the outlet this
/// one credits ("reports Homeland Security News Wire").
/// </summary>
public sealed record Source(
    string Outlet,
    string? Url,
    StatedTime? PublishedAt,
    DateTimeOffset? RetrievedAt,
    string? ContentSha256,
    int? QuoteStart,
    int? QuoteEnd,
    string? ReportedVia)
{
    /// <summary>Two reports are the same source when they are the same article.</summary>
    public bool IsSameArticleAs(Source other) =>
        Url is not null && other.Url is not null
            ? string.Equals(Url, other.Url, StringComparison.OrdinalIgnoreCase)
            : string.Equals(Outlet, other.Outlet, StringComparison.OrdinalIgnoreCase) && PublishedAt == other.PublishedAt &&
              ContentSha256 == other.ContentSha256;
}

/// <summary>Who a statement is attributed to: the speaker, and the role and organization they spoke in.</summary>
public sealed record Attribution(Guid SpeakerId, string SpeakerName, Guid? RoleId, string? RoleTitle, Guid? OrganizationId, string? OrganizationName);

// Events of a statement stream. Nothing is ever edited: each change is its own fact.

/// <summary>A statement was recorded, with its attribution, stated time and first source.</summary>
public sealed record StatementRecorded(
    Guid StatementId,
    Attribution Attribution,
    string Quote,
    QuoteKind Kind,
    StatedTime StatedAt,
    IReadOnlyList<Guid> TopicIds,
    Source Source);

/// <summary>Another outlet reported the statement.</summary>
public sealed record SourceAdded(Guid StatementId, Source Source);

/// <summary>The quote was recorded wrongly; this is what was said.</summary>
public sealed record QuoteCorrected(Guid StatementId, string Quote, QuoteKind Kind, string Reason);

/// <summary>The statement was attributed to the wrong speaker or role.</summary>
public sealed record AttributionCorrected(Guid StatementId, Attribution Attribution, string Reason);

/// <summary>The speaker walked the statement back, at <paramref name="RetractedAt"/>, as reported by <paramref name="Source"/>.</summary>
public sealed record StatementRetracted(Guid StatementId, StatedTime RetractedAt, Source? Source, string? Note);

/// <summary>We recorded the statement in error. It stays in the log and leaves every view.</summary>
public sealed record StatementWithdrawn(Guid StatementId, string Reason);

/// <summary>A fact-checker read the statement as holding <paramref name="Stance"/> (a rung key) on a topic.</summary>
public sealed record StanceAssessed(Guid StatementId, Guid TopicId, string Stance, string? Rationale);

/// <summary>How a statement bears on a claim.</summary>
public enum ClaimRelation
{
    /// <summary>The statement makes the claim.</summary>
    Supports,

    /// <summary>The statement repeats the claim in other words.</summary>
    Restates,

    /// <summary>The statement says the opposite.</summary>
    Contradicts,
}

/// <summary>
/// A fact-checker linked the statement to a claim it makes, restates or contradicts. Linking again
/// with another relation supersedes the earlier link; the earlier one stays in the log.
/// </summary>
public sealed record ClaimLinked(Guid StatementId, Guid ClaimId, ClaimRelation Relation, string? Note);

/// <summary>Write model of a statement: what decisions about it need.</summary>
public sealed record Statement(
    Guid Id,
    Attribution Attribution,
    string Quote,
    QuoteKind Kind,
    StatedTime StatedAt,
    ImmutableList<Guid> TopicIds,
    ImmutableDictionary<Guid, string> Stances,
    ImmutableList<Source> Sources,
    StatementStatus Status)
{
    /// <summary>The claims the statement is linked to, with the relation in force.</summary>
    public ImmutableDictionary<Guid, ClaimRelation> Claims { get; init; } = ImmutableDictionary<Guid, ClaimRelation>.Empty;


    public static Statement Create(StatementRecorded recorded) =>
        new(recorded.StatementId, recorded.Attribution, recorded.Quote, recorded.Kind, recorded.StatedAt,
            [.. recorded.TopicIds], ImmutableDictionary<Guid, string>.Empty, [recorded.Source], StatementStatus.Active);

    public Statement Apply(SourceAdded added) => this with { Sources = Sources.Add(added.Source) };

    public Statement Apply(QuoteCorrected corrected) => this with { Quote = corrected.Quote, Kind = corrected.Kind };

    public Statement Apply(AttributionCorrected corrected) => this with { Attribution = corrected.Attribution };

    public Statement Apply(StatementRetracted _) => this with { Status = StatementStatus.Retracted };

    public Statement Apply(StatementWithdrawn _) => this with { Status = StatementStatus.Withdrawn };

    public Statement Apply(StanceAssessed assessed) => this with
    {
        Stances = Stances.SetItem(assessed.TopicId, assessed.Stance),
        TopicIds = TopicIds.Contains(assessed.TopicId) ? TopicIds : TopicIds.Add(assessed.TopicId),
    };

    public Statement Apply(ClaimLinked linked) => this with { Claims = Claims.SetItem(linked.ClaimId, linked.Relation) };

    public bool IsWithdrawn => Status == StatementStatus.Withdrawn;
}
