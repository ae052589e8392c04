using ClaimsLedger.Infrastructure;
using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using FluentValidation;
using JasperFx.Events;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Wolverine.Marten;

namespace ClaimsLedger.Statements.AddingSources;

/// <param name="Source">Another report of the statement.</param>
/// <param name="ExpectedVersion">The statement version you last read.</param>
public sealed record AddSource(SourceInput Source, long ExpectedVersion);

public sealed class AddSourceValidator : AbstractValidator<AddSource>
{
    public static readonly AddSourceValidator Instance = new();

    public AddSourceValidator()
    {
        RuleFor(command => command.Source).NotNull().WithMessage("source is required.").SetValidator(new SourceInputValidator());
        RuleFor(command => command.ExpectedVersion).ExpectedVersion();
    }
}

public static class AddSourceEndpoint
{
    public static ProblemDetails Validate(AddSource command, LedgerClock clock) =>
        Validation.Check(AddSourceValidator.Instance, command, clock.Now);

    public static ProblemDetails Validate(AddSource command, IEventStream<Statement> stream) => Versions.Check(command.ExpectedVersion, stream);

    public static ProblemDetails Validate(Statement statement) =>
        statement.IsWithdrawn ? StatementRules.Withdrawn(statement.Id) : Problems.None;

    /// <summary>An article already among the sources adds nothing.</summary>
    public static Events Decide(AddSource command, Statement statement)
    {
        var source = command.Source.ToSource();
        return statement.Sources.Any(existing => existing.IsSameArticleAs(source)) ? [] : [new SourceAdded(statement.Id, source)];
    }

    /// <summary>Add another outlet's report of a statement.</summary>
    [WolverinePost("/api/statements/{id}/sources"), RequiresRole(Roles.Recorder)]
    [Tags("Statements")]
    public static (ChangeAccepted, Events) Post(AddSource command, [WriteAggregate("id")] Statement statement)
    {
        var events = Decide(command, statement);
        return (ChangeAccepted.For(statement.Id, command.ExpectedVersion, events.Count), events);
    }
}
