using System.Security.Cryptography;
using System.Text;
using ClaimsLedger.Infrastructure;
using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using ClaimsLedger.Ingestion.Extraction;
using ClaimsLedger.Ingestion.GettingDetails;
using FluentValidation;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClaimsLedger.Ingestion.Submitting;

/// <param name="Text">The article as plain text. Give this or <paramref name="Html"/>.</param>
/// <param name="Html">The article as HTML; it is reduced to its text (scripts, styles and markup dropped) by an HTML5 parser.</param>
/// <param name="Outlet">Who published it ("i-HLS").</param>
/// <param name="Title">Its headline; quotes in a paragraph equal to it are read as headline quotes. For HTML, the page's first heading when omitted.</param>
/// <param name="Url">Where it was published.</param>
/// <param name="PublishedAt">When, at the precision known ("2016-01-28"); candidates take it as their default stated time.</param>
/// <param name="RetrievedAt">When you read it; now when omitted.</param>
public sealed record SubmitArticle(
    string? Text,
    string? Html,
    string Outlet,
    string? Title = null,
    string? Url = null,
    string? PublishedAt = null,
    DateTimeOffset? RetrievedAt = null);

public sealed class SubmitArticleValidator : AbstractValidator<SubmitArticle>
{
    public static readonly SubmitArticleValidator Instance = new();

    public SubmitArticleValidator()
    {
        RuleFor(command => command.Text)
            .Must((command, text) => (text is null) != (command.Html is null))
            .WithMessage("Give the article as text or as html, not both and not neither.");
        RuleFor(command => command.Outlet).RequiredText(CommonRules.NameMaxLength);
        RuleFor(command => command.Title).OptionalText(1_000);
        RuleFor(command => command.Url).AbsoluteHttpUrl();
        RuleFor(command => command.PublishedAt).StatedTimeNotInFuture();
        RuleFor(command => command.RetrievedAt).Must((_, at, context) => at is null || at <= CommonRules.ClockTime(context)).WithMessage("retrievedAt is in the future.");
    }
}

/// <summary>The answer to a submission: the article under review, and whether it was already there.</summary>
/// <param name="Id">The article's id (derived from the text's SHA-256).</param>
/// <param name="Url">Where its review lives.</param>
/// <param name="ContentSha256">SHA-256 of the text read: what the statements' sources will name.</param>
/// <param name="Duplicate">The same text was submitted before: nothing new was recorded.</param>
/// <param name="Candidates">How many candidates wait for review.</param>
public sealed record ArticleSubmission(Guid Id, string Url, string ContentSha256, bool Duplicate, int Candidates);

public static class SubmitArticleEndpoint
{
    /// <summary>HTML of up to <see cref="ArticleReader.MaxHtmlBytes"/>, with room for JSON escaping.</summary>
    public const int MaxBodyBytes = 12 * 1024 * 1024;

    public const string ExtractorVersion = "rules/1";

    public static ProblemDetails Validate(SubmitArticle command, LedgerClock clock) => Validation.Check(SubmitArticleValidator.Instance, command, clock.Now);

    /// <summary>The same text always has the same article id: a second submission finds the first.</summary>
    public static Guid ArticleId(string contentSha256)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"claimsledger/article/v1\n{contentSha256}"));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>
    /// Submit an article (text or HTML, recorder). Its quotations are found and attributed, matched
    /// against the speaker registry, and queued for review. The same text again changes nothing and
    /// answers 200 with the existing article.
    /// </summary>
    [WolverinePost("/api/articles"), RequiresRole(Roles.Recorder), BodySizeLimit(MaxBodyBytes)]
    [Tags("Ingestion")]
    [ProducesResponseType<ArticleSubmission>(StatusCodes.Status201Created, "application/json")]
    [ProducesResponseType<ArticleSubmission>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status413PayloadTooLarge, "application/problem+json")]
    public static async Task<IResult> Post(SubmitArticle command, IDocumentSession session, LedgerClock clock, CancellationToken cancellation)
    {
        var read = command.Html is not null ? ArticleReader.FromHtml(command.Html, command.Title?.Trim()) : ArticleReader.FromText(command.Text!, command.Title?.Trim());
        if (read.Problem is { } problem)
        {
            return Results.Problem(Problems.Invalid(command.Html is not null ? "html" : "text", problem));
        }

        var article = read.Article! with { Outlet = command.Outlet.Trim() };
        var sha = ArticleReader.Sha256(article.Body);
        var id = ArticleId(sha);
        var url = $"/api/articles/{id}";

        var state = await session.Events.FetchStreamStateAsync(id, cancellation);
        if (state is not null)
        {
            var existing = await session.LoadAsync<ArticleSummary>(id, cancellation);
            return Results.Ok(new ArticleSubmission(id, url, sha, Duplicate: true, existing?.Candidates ?? 0));
        }

        var publishedAt = command.PublishedAt is null ? (StatedTime?)null : StatedTime.Parse(command.PublishedAt);
        var extracted = QuoteExtractor.Extract(article);
        var speakers = await SpeakerRegistry.MatchAsync(session,
            [.. extracted.Select(candidate => new ArticleSpeakerName(candidate.Speaker, candidate.SpeakerAsWritten, candidate.SpeakerKind, candidate.SpeakerRole))],
            cancellation);
        var candidates = extracted.Select((candidate, index) => new ArticleCandidate(index + 1, candidate.Start, candidate.End, candidate.Quote,
            candidate.Kind, speakers[index], candidate.Verb, candidate.Confidence, candidate.Route, candidate.SplitGroup, publishedAt)).ToList();
        var topics = await TopicProposals.ProposeAsync(session, article.Body, cancellation);

        session.Events.StartStream<Article>(id,
            new ArticleSubmitted(id, sha, article.Body, command.Html is not null ? ArticleFormat.Html : ArticleFormat.Text,
                command.Html is not null ? ArticleReader.Sha256(command.Html) : null, article.Title, article.Outlet!, command.Url?.Trim(), publishedAt,
                (command.RetrievedAt ?? clock.Now).ToUniversalTime()),
            new QuotesExtracted(id, ExtractorVersion, candidates, topics));
        return Results.Created(url, new ArticleSubmission(id, url, sha, Duplicate: false, candidates.Count));
    }
}
