using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using ClaimsLedger.Speakers;
using FluentValidation;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Wolverine.Marten;

namespace ClaimsLedger.Statements.CorrectingAttribution;

/// <param name="SpeakerId">Who actually said it.</param>
/// <param name="RoleId">The role it was said in; omitted, the role that speaker held at the stated time.</param>
/// <param name="Reason">Why the recorded attribution was wrong.</param>
/// <param name="ExpectedVersion">The statement version you last read.</param>
public sealed record CorrectAttribution(Guid SpeakerId, Guid? RoleId, string Reason, long ExpectedVersion);

public sealed class CorrectAttributionValidator : AbstractValidator<CorrectAttribution>
{
    public static readonly CorrectAttributionValidator Instance = new();

    public CorrectAttributionValidator()
    {
        RuleFor(command => command.SpeakerId).NotEmpty().WithMessage("speakerId is required.");
        RuleFor(command => command.Reason).RequiredText(CommonRules.ReasonMaxLength);
        RuleFor(command => command.ExpectedVersion).ExpectedVersion();
    }
}

public static class CorrectAttributionEndpoint
{
    public static ProblemDetails Validate(CorrectAttribution command) => Validation.Check(CorrectAttributionValidator.Instance, command);

    public static ProblemDetails Validate(CorrectAttribution command, IEventStream<Statement> stream) => Versions.Check(command.ExpectedVersion, stream);

    public static Task<Speaker?> LoadAsync(CorrectAttribution command, IQuerySession session, CancellationToken cancellation) =>
        session.Events.AggregateStreamAsync<Speaker>(command.SpeakerId, token: cancellation);

    public static ProblemDetails Validate(CorrectAttribution command, Statement statement, Speaker? speaker) =>
        statement.IsWithdrawn
            ? StatementRules.Withdrawn(statement.Id)
            : StatementRules.Attribute(speaker, command.SpeakerId, command.RoleId, statement.StatedAt, "speakerId", "roleId").Problem;

    /// <summary>Attributing the statement to whom it is already attributed adds nothing.</summary>
    public static Events Decide(CorrectAttribution command, Statement statement, Speaker speaker)
    {
        var (attribution, _) = StatementRules.Attribute(speaker, command.SpeakerId, command.RoleId, statement.StatedAt, "speakerId", "roleId");
        return attribution == statement.Attribution ? [] : [new AttributionCorrected(statement.Id, attribution!, command.Reason.Trim())];
    }

    /// <summary>Correct who said a statement, or in which role. The original attribution stays in the log.</summary>
    [WolverinePost("/api/statements/{id}/attribution-corrections"), RequiresRole(Roles.Editor)]
    [Tags("Statements")]
    public static (ChangeAccepted, Events) Post(CorrectAttribution command, [WriteAggregate("id")] Statement statement, Speaker speaker)
    {
        var events = Decide(command, statement, speaker);
        return (ChangeAccepted.For(statement.Id, command.ExpectedVersion, events.Count), events);
    }
}
