using ClaimsLedger.Infrastructure;
using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using FluentValidation;
using JasperFx.Events;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Wolverine.Marten;

namespace ClaimsLedger.Statements.Retracting;

/// <param name="RetractedAt">When the speaker walked it back, at the precision known.</param>
/// <param name="Source">Where the walk-back was reported.</param>
/// <param name="Note">What was said in retracting it.</param>
/// <param name="ExpectedVersion">The statement version you last read.</param>
public sealed record RetractStatement(string RetractedAt, SourceInput? Source, string? Note, long ExpectedVersion);

public sealed class RetractStatementValidator : AbstractValidator<RetractStatement>
{
    public static readonly RetractStatementValidator Instance = new();

    public RetractStatementValidator()
    {
        RuleFor(command => command.RetractedAt).NotEmpty().WithMessage("retractedAt is required.").StatedTimeNotInFuture();
        RuleFor(command => command.Source!).SetValidator(new SourceInputValidator()).When(command => command.Source is not null);
        RuleFor(command => command.Note).OptionalText(CommonRules.ReasonMaxLength);
        RuleFor(command => command.ExpectedVersion).ExpectedVersion();
    }
}

public static class RetractStatementEndpoint
{
    public static ProblemDetails Validate(RetractStatement command, LedgerClock clock) =>
        Validation.Check(RetractStatementValidator.Instance, command, clock.Now);

    public static ProblemDetails Validate(RetractStatement command, IEventStream<Statement> stream) => Versions.Check(command.ExpectedVersion, stream);

    public static ProblemDetails Validate(RetractStatement command, Statement statement) =>
        statement.IsWithdrawn ? StatementRules.Withdrawn(statement.Id)
        : StatedTime.Parse(command.RetractedAt).End < statement.StatedAt.Start
            ? Problems.Unprocessable("retractedAt", $"A statement made at {statement.StatedAt} cannot be walked back before it was made.")
            : Problems.None;

    /// <summary>Retracting a retracted statement adds nothing.</summary>
    public static Events Decide(RetractStatement command, Statement statement) =>
        statement.Status == StatementStatus.Retracted
            ? []
            : [new StatementRetracted(statement.Id, StatedTime.Parse(command.RetractedAt), command.Source?.ToSource(), command.Note?.Trim())];

    /// <summary>Record that the speaker walked the statement back. It stays in views, marked as retracted.</summary>
    [WolverinePost("/api/statements/{id}/retraction"), RequiresRole(Roles.Editor)]
    [Tags("Statements")]
    public static (ChangeAccepted, Events) Post(RetractStatement command, [WriteAggregate("id")] Statement statement)
    {
        var events = Decide(command, statement);
        return (ChangeAccepted.For(statement.Id, command.ExpectedVersion, events.Count), events);
    }
}
