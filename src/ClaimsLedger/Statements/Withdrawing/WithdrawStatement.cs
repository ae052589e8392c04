using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using FluentValidation;
using JasperFx.Events;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Wolverine.Marten;

namespace ClaimsLedger.Statements.Withdrawing;

/// <param name="Reason">Why the statement was recorded in error.</param>
/// <param name="ExpectedVersion">The statement version you last read.</param>
public sealed record WithdrawStatement(string Reason, long ExpectedVersion);

public sealed class WithdrawStatementValidator : AbstractValidator<WithdrawStatement>
{
    public static readonly WithdrawStatementValidator Instance = new();

    public WithdrawStatementValidator()
    {
        RuleFor(command => command.Reason).RequiredText(CommonRules.ReasonMaxLength);
        RuleFor(command => command.ExpectedVersion).ExpectedVersion();
    }
}

public static class WithdrawStatementEndpoint
{
    public static ProblemDetails Validate(WithdrawStatement command) => Validation.Check(WithdrawStatementValidator.Instance, command);

    public static ProblemDetails Validate(WithdrawStatement command, IEventStream<Statement> stream) => Versions.Check(command.ExpectedVersion, stream);

    /// <summary>Withdrawing a withdrawn statement adds nothing.</summary>
    public static Events Decide(WithdrawStatement command, Statement statement) =>
        statement.IsWithdrawn ? [] : [new StatementWithdrawn(statement.Id, command.Reason.Trim())];

    /// <summary>Withdraw a statement recorded in error. It stays in the event log and leaves every view.</summary>
    [WolverinePost("/api/statements/{id}/withdrawal"), RequiresRole(Roles.Editor)]
    [Tags("Statements")]
    public static (ChangeAccepted, Events) Post(WithdrawStatement command, [WriteAggregate("id")] Statement statement)
    {
        var events = Decide(command, statement);
        return (ChangeAccepted.For(statement.Id, command.ExpectedVersion, events.Count), events);
    }
}
