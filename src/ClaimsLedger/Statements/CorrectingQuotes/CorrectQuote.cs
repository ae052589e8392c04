using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using FluentValidation;
using JasperFx.Events;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Wolverine.Marten;

namespace ClaimsLedger.Statements.CorrectingQuotes;

/// <param name="Quote">What was actually said.</param>
/// <param name="Kind">The kind of the corrected quote; omitted, the kind stays.</param>
/// <param name="Reason">Why the recorded quote was wrong.</param>
/// <param name="ExpectedVersion">The statement version you last read.</param>
public sealed record CorrectQuote(string Quote, QuoteKind? Kind, string Reason, long ExpectedVersion);

public sealed class CorrectQuoteValidator : AbstractValidator<CorrectQuote>
{
    public static readonly CorrectQuoteValidator Instance = new();

    public CorrectQuoteValidator()
    {
        RuleFor(command => command.Quote).Quote();
        RuleFor(command => command.Kind).IsInEnum();
        RuleFor(command => command.Reason).RequiredText(CommonRules.ReasonMaxLength);
        RuleFor(command => command.ExpectedVersion).ExpectedVersion();
    }
}

public static class CorrectQuoteEndpoint
{
    public static ProblemDetails Validate(CorrectQuote command) => Validation.Check(CorrectQuoteValidator.Instance, command);

    public static ProblemDetails Validate(CorrectQuote command, IEventStream<Statement> stream) => Versions.Check(command.ExpectedVersion, stream);

    public static ProblemDetails Validate(Statement statement) =>
        statement.IsWithdrawn ? StatementRules.Withdrawn(statement.Id) : Problems.None;

    /// <summary>A "correction" to the quote as it already stands adds nothing.</summary>
    public static Events Decide(CorrectQuote command, Statement statement)
    {
        var kind = command.Kind ?? statement.Kind;
        return command.Quote == statement.Quote && kind == statement.Kind
            ? []
            : [new QuoteCorrected(statement.Id, command.Quote, kind, command.Reason.Trim())];
    }

    /// <summary>Correct a quote that was recorded wrongly. The original stays in the log.</summary>
    [WolverinePost("/api/statements/{id}/quote-corrections"), RequiresRole(Roles.Editor)]
    [Tags("Statements")]
    public static (ChangeAccepted, Events) Post(CorrectQuote command, [WriteAggregate("id")] Statement statement)
    {
        var events = Decide(command, statement);
        return (ChangeAccepted.For(statement.Id, command.ExpectedVersion, events.Count), events);
    }
}
