using ClaimsLedger.Infrastructure;
using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using ClaimsLedger.Statements;
using FluentValidation;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClaimsLedger.Ingestion.Reviewing;

/// <param name="ExpectedVersion">The article version you last read.</param>
/// <param name="Edits">What you change from the suggestion (speaker, kind, stated time, topics, stance).</param>
public sealed record AcceptCandidate(long ExpectedVersion, CandidateEdits? Edits = null);

public sealed class AcceptCandidateValidator : AbstractValidator<AcceptCandidate>
{
    public static readonly AcceptCandidateValidator Instance = new();

    public AcceptCandidateValidator()
    {
        RuleFor(command => command.ExpectedVersion).ExpectedVersion();
        RuleFor(command => command.Edits!).SetValidator(new CandidateEditsValidator()).When(command => command.Edits is not null);
    }
}

/// <param name="ExpectedVersion">The article version you last read.</param>
/// <param name="Reason">Why it is not a statement ("headline", "scare quote", "the reporter's words").</param>
public sealed record RejectCandidate(long ExpectedVersion, string Reason);

public sealed class RejectCandidateValidator : AbstractValidator<RejectCandidate>
{
    public static readonly RejectCandidateValidator Instance = new();

    public RejectCandidateValidator()
    {
        RuleFor(command => command.ExpectedVersion).ExpectedVersion();
        RuleFor(command => command.Reason).RequiredText(CommonRules.ReasonMaxLength);
    }
}

/// <param name="Number">The candidate.</param>
/// <param name="Edits">What you change from its suggestion.</param>
public sealed record AcceptanceItem(int Number, CandidateEdits? Edits = null);

/// <param name="ExpectedVersion">The article version you last read.</param>
/// <param name="Candidates">The candidates to accept, each with its edits.</param>
public sealed record AcceptCandidates(long ExpectedVersion, IReadOnlyList<AcceptanceItem> Candidates);

public sealed class AcceptCandidatesValidator : AbstractValidator<AcceptCandidates>
{
    public const int MaxCandidates = 200;

    public static readonly AcceptCandidatesValidator Instance = new();

    public AcceptCandidatesValidator()
    {
        RuleFor(command => command.ExpectedVersion).ExpectedVersion();
        RuleFor(command => command.Candidates)
            .NotEmpty().WithMessage("candidates must list at least one candidate.")
            .Must(items => items is null || items.Count <= MaxCandidates).WithMessage($"At most {MaxCandidates} candidates at once.")
            .Must(items => items is null || items.Select(item => item.Number).Distinct().Count() == items.Count).WithMessage("A candidate is listed twice.");
        RuleForEach(command => command.Candidates).ChildRules(item =>
        {
            item.RuleFor(entry => entry.Edits!).SetValidator(new CandidateEditsValidator()).When(entry => entry.Edits is not null);
        });
    }
}

/// <summary>Several candidates accepted together: all or none.</summary>
public sealed record CandidatesAccepted(Guid ArticleId, long Version, IReadOnlyList<CandidateAcceptance> Accepted);

public static class AcceptCandidateEndpoint
{
    public static ProblemDetails Validate(AcceptCandidate command, LedgerClock clock) => Validation.Check(AcceptCandidateValidator.Instance, command, clock.Now);

    /// <summary>
    /// Accept a candidate (recorder; with a stance, editor): it is recorded as a statement through the
    /// normal write path, with the article as its source and the candidate's offsets. The decision,
    /// with what was changed from the suggestion, is an event on the article.
    /// </summary>
    [WolverinePost("/api/articles/{id}/candidates/{number}/accept"), RequiresRole(Roles.Recorder)]
    [Tags("Ingestion")]
    [ProducesResponseType<CandidateAcceptance>(StatusCodes.Status201Created, "application/json")]
    public static async Task<IResult> Accept(
        Guid id, int number, AcceptCandidate command, IDocumentSession session, LedgerClock clock, HttpContext http, CancellationToken cancellation)
    {
        var stream = await session.Events.FetchForWriting<Article>(id, cancellation);
        if (stream.Aggregate is not { } article)
        {
            return Results.Problem(Problems.NotFound("article", id));
        }

        if (!article.Candidates.ContainsKey(number))
        {
            return Results.Problem(Problems.NotFound("candidate", $"{id}/{number}"));
        }

        if (article.Decisions.ContainsKey(number))
        {
            return Results.Problem(Review.AlreadyDecided(article, number));
        }

        if (Versions.Check(command.ExpectedVersion, stream) is { Status: not null } stale && !ReferenceEquals(stale, Problems.None))
        {
            return Results.Problem(stale);
        }

        var (plan, problem) = await Review.PlanAsync(article, number, command.Edits ?? new CandidateEdits(), "edits", http.User, session, clock, cancellation);
        if (plan is null)
        {
            return Results.Problem(problem);
        }

        session.Events.StartStream<Statement>(plan.StatementId, plan.StatementEvents);
        stream.AppendOne(plan.Decision);
        var url = $"/api/statements/{plan.StatementId}";
        return Results.Created(url, new CandidateAcceptance(number, plan.StatementId, url, Changed: true));
    }

}

public static class AcceptCandidatesEndpoint
{
    public static ProblemDetails Validate(AcceptCandidates command, LedgerClock clock) => Validation.Check(AcceptCandidatesValidator.Instance, command, clock.Now);

    /// <summary>Accept several candidates of one article at once (recorder; with stances, editor): all are recorded, or none.</summary>
    [WolverinePost("/api/articles/{id}/candidates/accept"), RequiresRole(Roles.Recorder)]
    [Tags("Ingestion")]
    [ProducesResponseType<CandidatesAccepted>(StatusCodes.Status200OK, "application/json")]
    public static async Task<IResult> AcceptMany(
        Guid id, AcceptCandidates command, IDocumentSession session, LedgerClock clock, HttpContext http, CancellationToken cancellation)
    {
        var stream = await session.Events.FetchForWriting<Article>(id, cancellation);
        if (stream.Aggregate is not { } article)
        {
            return Results.Problem(Problems.NotFound("article", id));
        }

        var plans = new List<Review.Plan>();
        for (var index = 0; index < command.Candidates.Count; index++)
        {
            var item = command.Candidates[index];
            var field = $"candidates[{index}]";
            if (!article.Candidates.ContainsKey(item.Number))
            {
                return Results.Problem(Review.CandidateMissing(article, item.Number, $"{field}.number"));
            }

            if (article.Decisions.ContainsKey(item.Number))
            {
                return Results.Problem(Review.AlreadyDecided(article, item.Number));
            }
        }

        if (Versions.Check(command.ExpectedVersion, stream) is { Status: not null } stale && !ReferenceEquals(stale, Problems.None))
        {
            return Results.Problem(stale);
        }

        for (var index = 0; index < command.Candidates.Count; index++)
        {
            var item = command.Candidates[index];
            var (plan, problem) = await Review.PlanAsync(article, item.Number, item.Edits ?? new CandidateEdits(), $"candidates[{index}].edits", http.User,
                session, clock, cancellation);
            if (plan is null)
            {
                return Results.Problem(problem);
            }

            plans.Add(plan);
        }

        foreach (var plan in plans)
        {
            session.Events.StartStream<Statement>(plan.StatementId, plan.StatementEvents);
            stream.AppendOne(plan.Decision);
        }

        return Results.Ok(new CandidatesAccepted(id, command.ExpectedVersion + plans.Count,
            [.. plans.Select(plan => new CandidateAcceptance(plan.Decision.Number, plan.StatementId, $"/api/statements/{plan.StatementId}", Changed: true))]));
    }

}

public static class RejectCandidateEndpoint
{
    public static ProblemDetails Validate(RejectCandidate command) => Validation.Check(RejectCandidateValidator.Instance, command);

    /// <summary>Reject a candidate with a reason (recorder): a headline, a scare quote, the reporter's own words, a wrong span.</summary>
    [WolverinePost("/api/articles/{id}/candidates/{number}/reject"), RequiresRole(Roles.Recorder)]
    [Tags("Ingestion")]
    [ProducesResponseType<ChangeAccepted>(StatusCodes.Status200OK, "application/json")]
    public static async Task<IResult> Reject(Guid id, int number, RejectCandidate command, IDocumentSession session, CancellationToken cancellation)
    {
        var stream = await session.Events.FetchForWriting<Article>(id, cancellation);
        if (stream.Aggregate is not { } article)
        {
            return Results.Problem(Problems.NotFound("article", id));
        }

        if (!article.Candidates.ContainsKey(number))
        {
            return Results.Problem(Problems.NotFound("candidate", $"{id}/{number}"));
        }

        if (article.Decisions.TryGetValue(number, out var decision))
        {
            // Rejecting again for the same reason is the same fact: nothing to append.
            return !decision.Accepted && decision.Reason == command.Reason.Trim()
                ? Results.Ok(new ChangeAccepted(id, stream.StartingVersion ?? 0, Changed: false))
                : Results.Problem(Review.AlreadyDecided(article, number));
        }

        if (Versions.Check(command.ExpectedVersion, stream) is { Status: not null } stale && !ReferenceEquals(stale, Problems.None))
        {
            return Results.Problem(stale);
        }

        stream.AppendOne(new CandidateRejected(id, number, command.Reason.Trim()));
        return Results.Ok(ChangeAccepted.For(id, command.ExpectedVersion, 1));
    }
}
