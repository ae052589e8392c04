using ClaimsLedger.Speakers;
using ClaimsLedger.Statements;

namespace ClaimsLedger.Samples;

// The shape of a sample file (samples/*.json): entities refer to each other by "ref".

public sealed record SampleSet(
    IReadOnlyList<SampleOrganization> Organizations,
    IReadOnlyList<SampleSpeaker> Speakers,
    IReadOnlyList<SampleTopic> Topics,
    IReadOnlyList<SampleSource> Sources,
    IReadOnlyList<SampleStatement> Statements,
    IReadOnlyList<SampleClaim>? Claims = null);

public sealed record SampleOrganization(string Ref, string Name, IReadOnlyList<string>? Aliases);

public sealed record SampleRole(string Title, string? Organization, string? Since, string? Until);

public sealed record SampleSpeaker(string Ref, string Name, SpeakerKind Kind, string? Description, IReadOnlyList<string>? Aliases, IReadOnlyList<SampleRole>? Roles);

public sealed record SampleRung(string Key, string Label);

public sealed record SampleTopic(string Ref, string Title, string? Description, IReadOnlyList<SampleRung> Ladder);

public sealed record SampleSource(string Ref, string Outlet, string? Url, string? PublishedAt, DateTimeOffset? RetrievedAt, string? ContentSha256);

public sealed record SampleQuoteSource(string Ref, int? QuoteStart, int? QuoteEnd, string? ReportedVia);

public sealed record SampleStance(string Topic, string Stance, string? Rationale);

public sealed record SampleStatement(
    string Ref,
    string Speaker,
    string Quote,
    QuoteKind Kind,
    string StatedAt,
    IReadOnlyList<string>? Topics,
    SampleQuoteSource Source,
    SampleStance? Stance);

public sealed record SampleClaimLink(string Statement, ClaimRelation Relation, string? Note);

/// <summary>A verdict as published; in a claim's list each one after the first revises the one before (and gives a reason).</summary>
public sealed record SampleVerdict(string Rating, string Rationale, IReadOnlyList<string>? Evidence, string? Reviewer, string PublishedAt, string? Url, string? Reason);

public sealed record SampleClaim(string Ref, string Text, string? Context, IReadOnlyList<string>? Topics, IReadOnlyList<SampleClaimLink>? Links, IReadOnlyList<SampleVerdict>? Verdicts);
