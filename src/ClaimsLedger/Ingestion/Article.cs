using System.Collections.Immutable;
using ClaimsLedger.Infrastructure;
using ClaimsLedger.Ingestion.Extraction;
using ClaimsLedger.Speakers;
using ClaimsLedger.Statements;

namespace ClaimsLedger.Ingestion;

/// <summary>Who the extractor says a candidate credits, and what the speaker registry made of it.</summary>
/// <param name="Name">As the article lets a reader name them ("Peter Cook", "a senior U.S. military officer").</param>
/// <param name="AsWritten">The attribution's own words ("Cook", "he", "the Pentagon spokesperson").</param>
/// <param name="Kind">person, unnamed or institution.</param>
/// <param name="Role">The role the article gives them.</param>
/// <param name="SpeakerId">The registered speaker this is, when exactly one matches by name or alias.</param>
/// <param name="Alternatives">Registered speakers that all match (the reviewer chooses), when more than one does.</param>
/// <param name="Proposed">No registered speaker matches: a new one is proposed, never created without a reviewer.</param>
public sealed record SuggestedSpeaker(
    string Name,
    string? AsWritten,
    SpeakerKind Kind,
    string? Role,
    Guid? SpeakerId,
    IReadOnlyList<Guid> Alternatives,
    bool Proposed);

/// <summary>A statement the extractor proposes from an article, waiting for review.</summary>
/// <param name="Number">Its number within the article (1, 2, ...), in text order.</param>
/// <param name="Start">Offset of the quote's first character in the article text (.NET string index).</param>
/// <param name="End">Offset just past its last character.</param>
/// <param name="Quote">The characters between the marks; for indirect speech, the reported clause.</param>
/// <param name="Kind">direct, partial or indirect.</param>
/// <param name="Speaker">Who it credits.</param>
/// <param name="Verb">The attribution as printed ("said", "told reporters", "according to").</param>
/// <param name="Confidence">0 to 1: how sure the extractor is of the attribution.</param>
/// <param name="Route">How the speaker was found (trailing, leading, continuation, echo, ...).</param>
/// <param name="SplitGroup">Links the parts of one utterance split by its attribution or a paragraph break.</param>
/// <param name="StatedAt">Default stated time: the article's publication time, when known.</param>
public sealed record ArticleCandidate(
    int Number,
    int Start,
    int End,
    string Quote,
    QuoteKind Kind,
    SuggestedSpeaker Speaker,
    string? Verb,
    double Confidence,
    AttributionRoute Route,
    int? SplitGroup,
    StatedTime? StatedAt);

/// <summary>A field a reviewer changed from the extractor's suggestion.</summary>
public sealed record ReviewOverride(string Field, string? Suggested, string? Chosen);

/// <summary>A fact-checker's stance reading given when accepting.</summary>
public sealed record StanceChoice(Guid TopicId, string Stance, string? Rationale);

// Events of an article stream (one per distinct text: its id derives from the text's SHA-256).

/// <summary>An article's text was submitted: exactly the text read (HTML already reduced to it), and its hash.</summary>
public sealed record ArticleSubmitted(
    Guid ArticleId,
    string ContentSha256,
    string Text,
    ArticleFormat Format,
    string? OriginalSha256,
    string? Title,
    string Outlet,
    string? Url,
    StatedTime? PublishedAt,
    DateTimeOffset RetrievedAt);

/// <summary>The extractor read the article: its candidates, and topics the text seems to be about.</summary>
public sealed record QuotesExtracted(Guid ArticleId, string Extractor, IReadOnlyList<ArticleCandidate> Candidates, IReadOnlyList<Guid> ProposedTopicIds);

/// <summary>A reviewer accepted a candidate: it was recorded as <paramref name="StatementId"/>, with what they changed.</summary>
public sealed record CandidateAccepted(
    Guid ArticleId,
    int Number,
    Guid StatementId,
    Guid SpeakerId,
    QuoteKind Kind,
    StatedTime StatedAt,
    IReadOnlyList<Guid> TopicIds,
    StanceChoice? Stance,
    IReadOnlyList<ReviewOverride> Overrides);

/// <summary>A reviewer rejected a candidate: it is nobody's statement, or not one worth recording.</summary>
public sealed record CandidateRejected(Guid ArticleId, int Number, string Reason);

/// <summary>What became of a candidate.</summary>
public sealed record CandidateDecision(bool Accepted, Guid? StatementId, string? Reason, CandidateAccepted? Acceptance);

/// <summary>Write model of an article: what review decisions need.</summary>
public sealed record Article(
    Guid Id,
    string ContentSha256,
    string Outlet,
    string? Url,
    StatedTime? PublishedAt,
    DateTimeOffset RetrievedAt,
    ImmutableDictionary<int, ArticleCandidate> Candidates,
    ImmutableDictionary<int, CandidateDecision> Decisions)
{
    public static Article Create(ArticleSubmitted submitted) =>
        new(submitted.ArticleId, submitted.ContentSha256, submitted.Outlet, submitted.Url, submitted.PublishedAt, submitted.RetrievedAt,
            ImmutableDictionary<int, ArticleCandidate>.Empty, ImmutableDictionary<int, CandidateDecision>.Empty);

    public Article Apply(QuotesExtracted extracted) =>
        this with { Candidates = extracted.Candidates.ToImmutableDictionary(candidate => candidate.Number) };

    public Article Apply(CandidateAccepted accepted) =>
        this with { Decisions = Decisions.SetItem(accepted.Number, new CandidateDecision(true, accepted.StatementId, null, accepted)) };

    public Article Apply(CandidateRejected rejected) =>
        this with { Decisions = Decisions.SetItem(rejected.Number, new CandidateDecision(false, null, rejected.Reason, null)) };
}
