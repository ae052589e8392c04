using System.Security.Claims;
using ClaimsLedger.Infrastructure;
using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using ClaimsLedger.RatingScales;
using ClaimsLedger.RatingScales.GettingDetails;
using FluentValidation;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Wolverine.Marten;

namespace ClaimsLedger.Claims.Verdicts;

/// <param name="Rating">A rating key of the claim's scale, current version ("mostly-true").</param>
/// <param name="Rationale">Why: the fact-check's reasoning, as published.</param>
/// <param name="Evidence">Links to the evidence (at most 50 absolute http(s) URLs).</param>
/// <param name="Reviewer">Who reviewed it, as published; omitted, the signed-in user's name.</param>
/// <param name="PublishedAt">When the fact-check was published, at the precision known ("2016-02-10").</param>
/// <param name="Url">Where the fact-check is published (ClaimReview's url).</param>
/// <param name="ExpectedVersion">The claim version you last read.</param>
public sealed record IssueVerdict(string Rating, string Rationale, IReadOnlyList<string>? Evidence, string? Reviewer, string PublishedAt, string? Url, long ExpectedVersion);

/// <param name="Rating">A rating key of the claim's scale, current version.</param>
/// <param name="Rationale">Why, as now published.</param>
/// <param name="Evidence">Links to the evidence.</param>
/// <param name="Reviewer">Who reviewed the revision; omitted, the signed-in user's name.</param>
/// <param name="PublishedAt">When the revision was published.</param>
/// <param name="Url">Where the revised fact-check is published.</param>
/// <param name="Reason">What changed: new evidence, an error found, ...</param>
/// <param name="ExpectedVersion">The claim version you last read.</param>
public sealed record ReviseVerdict(
    string Rating, string Rationale, IReadOnlyList<string>? Evidence, string? Reviewer, string PublishedAt, string? Url, string Reason, long ExpectedVersion);

/// <summary>The answer to issuing or revising a verdict: the new verdict, and the claim version to send next.</summary>
public sealed record VerdictAccepted(Guid ClaimId, Guid VerdictId, long Version, string ClaimUrl, string ClaimReviewUrl);

internal static class FindingRules
{
    public const int MaxEvidence = 50;

    public static void Apply<T>(AbstractValidator<T> validator, Func<T, string> rating, Func<T, string> rationale,
        Func<T, IReadOnlyList<string>?> evidence, Func<T, string?> reviewer, Func<T, string> publishedAt, Func<T, string?> url)
    {
        validator.RuleFor(command => rating(command)).RequiredText(40).OverridePropertyName("rating");
        validator.RuleFor(command => rationale(command)).RequiredText(10_000).OverridePropertyName("rationale");
        validator.RuleFor(command => evidence(command)).Must(links => links is null || links.Count <= MaxEvidence)
            .WithMessage($"evidence holds at most {MaxEvidence} links.").OverridePropertyName("evidence");
        validator.RuleForEach(command => evidence(command)).NotEmpty().AbsoluteHttpUrl().OverridePropertyName("evidence");
        validator.RuleFor(command => reviewer(command)).OptionalText(CommonRules.NameMaxLength).OverridePropertyName("reviewer");
        validator.RuleFor(command => publishedAt(command)).NotEmpty().WithMessage("publishedAt is required.").StatedTimeNotInFuture()
            .OverridePropertyName("publishedAt");
        validator.RuleFor(command => url(command)).AbsoluteHttpUrl().OverridePropertyName("url");
    }

    public static ProblemDetails RatingOnScale(string rating, ScaleInUse? inUse, Guid scaleId) =>
        inUse is null ? Problems.Unprocessable("rating", $"The claim's rating scale '{scaleId}' does not exist.")
        : inUse.Scale.Current.Find(rating) is null
            ? Problems.Unprocessable("rating",
                $"'{rating}' is not a rating of '{inUse.Scale.Current.Name}' (version {inUse.Scale.Versions.Count}): use one of {string.Join(", ", inUse.Scale.Current.Ratings.Select(r => r.Key))}.")
            : Problems.None;

    public static Finding Finding(RatingScale scale, string rating, string rationale, IReadOnlyList<string>? evidence, string? reviewer, string publishedAt,
        string? url, ClaimsPrincipal user) =>
        new(scale.Id, scale.Versions.Count, rating.Trim(), rationale.Trim(), [.. (evidence ?? []).Select(link => link.Trim())],
            reviewer?.Trim() is { Length: > 0 } named ? named : user.FindFirstValue("name") ?? user.FindFirstValue("sub") ?? "unknown",
            StatedTime.Parse(publishedAt), url?.Trim());

    public static VerdictAccepted Accepted(Guid claimId, Guid verdictId, long version) =>
        new(claimId, verdictId, version, $"/api/claims/{claimId}", $"/api/claims/{claimId}/verdicts/{verdictId}/claim-review");
}

public sealed class IssueVerdictValidator : AbstractValidator<IssueVerdict>
{
    public static readonly IssueVerdictValidator Instance = new();

    public IssueVerdictValidator()
    {
        FindingRules.Apply(this, c => c.Rating, c => c.Rationale, c => c.Evidence, c => c.Reviewer, c => c.PublishedAt, c => c.Url);
        RuleFor(command => command.ExpectedVersion).ExpectedVersion();
    }
}

public sealed class ReviseVerdictValidator : AbstractValidator<ReviseVerdict>
{
    public static readonly ReviseVerdictValidator Instance = new();

    public ReviseVerdictValidator()
    {
        FindingRules.Apply(this, c => c.Rating, c => c.Rationale, c => c.Evidence, c => c.Reviewer, c => c.PublishedAt, c => c.Url);
        RuleFor(command => command.Reason).RequiredText(CommonRules.ReasonMaxLength);
        RuleFor(command => command.ExpectedVersion).ExpectedVersion();
    }
}

public static class IssueVerdictEndpoint
{
    public static ProblemDetails Validate(IssueVerdict command, LedgerClock clock) => Validation.Check(IssueVerdictValidator.Instance, command, clock.Now);

    public static ProblemDetails Validate(IssueVerdict command, IEventStream<Claim> stream) => Versions.Check(command.ExpectedVersion, stream);

    public static Task<ScaleInUse?> LoadAsync(Claim claim, IQuerySession session, CancellationToken cancellation) =>
        RatingScales.GettingDetails.RatingScales.LoadForDecisionAsync(session, claim.RatingScaleId, cancellation);

    public static ProblemDetails Validate(IssueVerdict command, Claim claim, ScaleInUse? scale) =>
        claim.Current is { } current
            ? Problems.Conflict($"The claim already has verdict {current}: revise it (POST /api/claims/{claim.Id}/verdicts/{current}/revisions).",
                "The claim already has a verdict.")
            : FindingRules.RatingOnScale(command.Rating, scale, claim.RatingScaleId);

    /// <summary>Issue the claim's first verdict, on its rating scale's current version (editor).</summary>
    [WolverinePost("/api/claims/{id}/verdicts"), RequiresRole(Roles.Editor)]
    [Tags("Claims")]
    public static (VerdictAccepted, Events) Post(IssueVerdict command, [WriteAggregate("id")] Claim claim, ScaleInUse scale, LedgerClock clock, HttpContext http)
    {
        var verdictId = Guid.CreateVersion7(clock.Now);
        var finding = FindingRules.Finding(scale.Scale, command.Rating, command.Rationale, command.Evidence, command.Reviewer, command.PublishedAt, command.Url, http.User);
        return (FindingRules.Accepted(claim.Id, verdictId, command.ExpectedVersion + 1), [new VerdictIssued(claim.Id, verdictId, finding)]);
    }
}

public static class ReviseVerdictEndpoint
{
    public static ProblemDetails Validate(ReviseVerdict command, LedgerClock clock) => Validation.Check(ReviseVerdictValidator.Instance, command, clock.Now);

    public static ProblemDetails Validate(ReviseVerdict command, IEventStream<Claim> stream) => Versions.Check(command.ExpectedVersion, stream);

    public static Task<ScaleInUse?> LoadAsync(Claim claim, IQuerySession session, CancellationToken cancellation) =>
        RatingScales.GettingDetails.RatingScales.LoadForDecisionAsync(session, claim.RatingScaleId, cancellation);

    /// <summary>Only the verdict in force can be revised: an older one already was.</summary>
    public static ProblemDetails Validate(ReviseVerdict command, Guid verdictId, Claim claim, ScaleInUse? scale)
    {
        if (!claim.Verdicts.Contains(verdictId))
        {
            return Problems.NotFound("verdict", verdictId);
        }

        return claim.Current != verdictId
            ? Problems.Conflict($"Verdict {verdictId} was already revised; the verdict in force is {claim.Current}.", "The verdict was already revised.")
            : FindingRules.RatingOnScale(command.Rating, scale, claim.RatingScaleId);
    }

    /// <summary>
    /// Revise the verdict in force (editor): a new verdict replaces it, with the reason. The earlier one
    /// stays in the claim's history, shown as revised after the fact.
    /// </summary>
    [WolverinePost("/api/claims/{id}/verdicts/{verdictId}/revisions"), RequiresRole(Roles.Editor)]
    [Tags("Claims")]
    public static (VerdictAccepted, Events) Post(
        ReviseVerdict command, Guid verdictId, [WriteAggregate("id")] Claim claim, ScaleInUse scale, LedgerClock clock, HttpContext http)
    {
        var revisionId = Guid.CreateVersion7(clock.Now);
        var finding = FindingRules.Finding(scale.Scale, command.Rating, command.Rationale, command.Evidence, command.Reviewer, command.PublishedAt, command.Url, http.User);
        return (FindingRules.Accepted(claim.Id, revisionId, command.ExpectedVersion + 1),
            [new VerdictRevised(claim.Id, revisionId, verdictId, finding, command.Reason.Trim())]);
    }
}
