using ClaimsLedger.Infrastructure;
using ClaimsLedger.Ingestion.Extraction;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace ClaimsLedger.Ingestion.GettingDetails;

public enum CandidateStatus
{
    Pending,
    Accepted,
    Rejected,
}

/// <summary>A candidate in the review queue, with what became of it.</summary>
/// <param name="Candidate">What the extractor proposed.</param>
/// <param name="Status">pending, accepted or rejected.</param>
/// <param name="StatementId">The statement it became, when accepted.</param>
/// <param name="Reason">Why it was rejected.</param>
/// <param name="Overrides">What the reviewer changed from the suggestion.</param>
/// <param name="DecidedBy">Who decided.</param>
/// <param name="DecidedAt">When the decision was recorded.</param>
public sealed record ReviewedCandidate(
    ArticleCandidate Candidate,
    CandidateStatus Status,
    Guid? StatementId,
    string? Reason,
    IReadOnlyList<ReviewOverride> Overrides,
    string? DecidedBy,
    DateTimeOffset? DecidedAt);

/// <summary>
/// An article under review: the exact text read and its hash, where it was published, and every
/// candidate with its status. Counts say how much of the queue is left.
/// </summary>
public sealed record ArticleReview(
    Guid Id,
    string? Title,
    string Outlet,
    string? Url,
    StatedTime? PublishedAt,
    DateTimeOffset RetrievedAt,
    string ContentSha256,
    ArticleFormat Format,
    string Text,
    DateTimeOffset SubmittedAt,
    string? SubmittedBy,
    string? Extractor,
    IReadOnlyList<Guid> ProposedTopicIds,
    IReadOnlyList<ReviewedCandidate> Candidates)
{
    public long Version { get; set; }

    public int Pending => Candidates.Count(candidate => candidate.Status == CandidateStatus.Pending);

    public int Accepted => Candidates.Count(candidate => candidate.Status == CandidateStatus.Accepted);

    public int Rejected => Candidates.Count(candidate => candidate.Status == CandidateStatus.Rejected);

    public ArticleReview Decide(int number, Func<ReviewedCandidate, ReviewedCandidate> decide) => this with
    {
        Candidates = [.. Candidates.Select(candidate => candidate.Candidate.Number == number ? decide(candidate) : candidate)],
    };
}

public sealed partial class ArticleReviewProjection : SingleStreamProjection<ArticleReview, Guid>
{
    public static ArticleReview Create(IEvent<ArticleSubmitted> submitted)
    {
        var article = submitted.Data;
        return new ArticleReview(article.ArticleId, article.Title, article.Outlet, article.Url, article.PublishedAt, article.RetrievedAt,
            article.ContentSha256, article.Format, article.Text, submitted.Timestamp, submitted.UserName, null, [], []);
    }

    public static ArticleReview Apply(QuotesExtracted extracted, ArticleReview review) => review with
    {
        Extractor = extracted.Extractor,
        ProposedTopicIds = extracted.ProposedTopicIds,
        Candidates = [.. extracted.Candidates.Select(candidate => new ReviewedCandidate(candidate, CandidateStatus.Pending, null, null, [], null, null))],
    };

    public static ArticleReview Apply(IEvent<CandidateAccepted> accepted, ArticleReview review) =>
        review.Decide(accepted.Data.Number, candidate => candidate with
        {
            Status = CandidateStatus.Accepted,
            StatementId = accepted.Data.StatementId,
            Overrides = accepted.Data.Overrides,
            DecidedBy = accepted.UserName,
            DecidedAt = accepted.Timestamp,
        });

    public static ArticleReview Apply(IEvent<CandidateRejected> rejected, ArticleReview review) =>
        review.Decide(rejected.Data.Number, candidate => candidate with
        {
            Status = CandidateStatus.Rejected,
            Reason = rejected.Data.Reason,
            DecidedBy = rejected.UserName,
            DecidedAt = rejected.Timestamp,
        });
}

/// <summary>An article in the queue without its text and candidates: what a list shows.</summary>
public sealed record ArticleSummary(
    Guid Id,
    string? Title,
    string Outlet,
    string? Url,
    StatedTime? PublishedAt,
    string ContentSha256,
    DateTimeOffset SubmittedAt,
    string? SubmittedBy,
    int Candidates,
    int Pending,
    int Accepted,
    int Rejected)
{
    public long Version { get; set; }
}

public sealed partial class ArticleSummaryProjection : SingleStreamProjection<ArticleSummary, Guid>
{
    public static ArticleSummary Create(IEvent<ArticleSubmitted> submitted)
    {
        var article = submitted.Data;
        return new ArticleSummary(article.ArticleId, article.Title, article.Outlet, article.Url, article.PublishedAt, article.ContentSha256,
            submitted.Timestamp, submitted.UserName, 0, 0, 0, 0);
    }

    public static ArticleSummary Apply(QuotesExtracted extracted, ArticleSummary summary) =>
        summary with { Candidates = extracted.Candidates.Count, Pending = extracted.Candidates.Count };

    public static ArticleSummary Apply(CandidateAccepted _, ArticleSummary summary) =>
        summary with { Pending = summary.Pending - 1, Accepted = summary.Accepted + 1 };

    public static ArticleSummary Apply(CandidateRejected _, ArticleSummary summary) =>
        summary with { Pending = summary.Pending - 1, Rejected = summary.Rejected + 1 };
}
