using ClaimsLedger.Claims;
using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using FluentValidation;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Wolverine.Marten;

namespace ClaimsLedger.Statements.LinkingClaims;

/// <param name="ClaimId">The claim.</param>
/// <param name="Relation">supports (the statement makes the claim), restates, or contradicts.</param>
/// <param name="Note">Why the statement bears on the claim so.</param>
/// <param name="ExpectedVersion">The statement version you last read.</param>
public sealed record LinkClaim(Guid ClaimId, ClaimRelation Relation, string? Note, long ExpectedVersion);

public sealed class LinkClaimValidator : AbstractValidator<LinkClaim>
{
    public static readonly LinkClaimValidator Instance = new();

    public LinkClaimValidator()
    {
        RuleFor(command => command.ClaimId).NotEmpty().WithMessage("claimId is required.");
        RuleFor(command => command.Relation).IsInEnum();
        RuleFor(command => command.Note).OptionalText(CommonRules.ReasonMaxLength);
        RuleFor(command => command.ExpectedVersion).ExpectedVersion();
    }
}

public static class LinkClaimEndpoint
{
    public static ProblemDetails Validate(LinkClaim command) => Validation.Check(LinkClaimValidator.Instance, command);

    public static ProblemDetails Validate(LinkClaim command, IEventStream<Statement> stream) => Versions.Check(command.ExpectedVersion, stream);

    public static Task<Claim?> LoadAsync(LinkClaim command, IQuerySession session, CancellationToken cancellation) =>
        session.Events.AggregateStreamAsync<Claim>(command.ClaimId, token: cancellation);

    public static ProblemDetails Validate(LinkClaim command, Statement statement, Claim? claim) =>
        statement.IsWithdrawn ? StatementRules.Withdrawn(statement.Id)
        : claim is null ? Problems.Unprocessable("claimId", $"There is no claim with id '{command.ClaimId}'.")
        : Problems.None;

    /// <summary>The same link again adds nothing; another relation supersedes the earlier link.</summary>
    public static Events Decide(LinkClaim command, Statement statement) =>
        statement.Claims.TryGetValue(command.ClaimId, out var relation) && relation == command.Relation
            ? []
            : [new ClaimLinked(statement.Id, command.ClaimId, command.Relation, command.Note?.Trim())];

    /// <summary>Link a statement to a claim it makes, restates or contradicts (editor). Scorecards count verdicts on the claims a speaker's statements make or restate.</summary>
    [WolverinePost("/api/statements/{id}/claims"), RequiresRole(Roles.Editor)]
    [Tags("Statements")]
    public static (ChangeAccepted, Events) Post(LinkClaim command, [WriteAggregate("id")] Statement statement)
    {
        var events = Decide(command, statement);
        return (ChangeAccepted.For(statement.Id, command.ExpectedVersion, events.Count), events);
    }
}
