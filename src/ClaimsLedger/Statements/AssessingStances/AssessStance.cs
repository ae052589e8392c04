using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using ClaimsLedger.Topics;
using FluentValidation;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Wolverine.Marten;

namespace ClaimsLedger.Statements.AssessingStances;

/// <param name="TopicId">The topic the stance is on.</param>
/// <param name="Stance">A rung key of the topic's stance ladder ("considering-options").</param>
/// <param name="Rationale">Why the statement reads as this stance.</param>
/// <param name="ExpectedVersion">The statement version you last read.</param>
public sealed record AssessStance(Guid TopicId, string Stance, string? Rationale, long ExpectedVersion);

public sealed class AssessStanceValidator : AbstractValidator<AssessStance>
{
    public static readonly AssessStanceValidator Instance = new();

    public AssessStanceValidator()
    {
        RuleFor(command => command.TopicId).NotEmpty().WithMessage("topicId is required.");
        RuleFor(command => command.Stance).RequiredText(40);
        RuleFor(command => command.Rationale).OptionalText(CommonRules.ReasonMaxLength);
        RuleFor(command => command.ExpectedVersion).ExpectedVersion();
    }
}

public static class AssessStanceEndpoint
{
    public static ProblemDetails Validate(AssessStance command) => Validation.Check(AssessStanceValidator.Instance, command);

    public static ProblemDetails Validate(AssessStance command, IEventStream<Statement> stream) => Versions.Check(command.ExpectedVersion, stream);

    public static Task<Topic?> LoadAsync(AssessStance command, IQuerySession session, CancellationToken cancellation) =>
        session.Events.AggregateStreamAsync<Topic>(command.TopicId, token: cancellation);

    public static ProblemDetails Validate(AssessStance command, Statement statement, Topic? topic)
    {
        if (statement.IsWithdrawn)
        {
            return StatementRules.Withdrawn(statement.Id);
        }

        if (topic is null)
        {
            return Problems.Unprocessable("topicId", $"There is no topic with id '{command.TopicId}'.");
        }

        return topic.Ladder.Has(command.Stance)
            ? Problems.None
            : Problems.Unprocessable("stance",
                $"'{command.Stance}' is not on the stance ladder of '{topic.Title}': use one of {string.Join(", ", topic.Ladder.Rungs.Select(rung => rung.Key))}.");
    }

    /// <summary>The same reading again adds nothing; a different one is a new assessment.</summary>
    public static Events Decide(AssessStance command, Statement statement) =>
        statement.Stances.TryGetValue(command.TopicId, out var current) && current == command.Stance
            ? []
            : [new StanceAssessed(statement.Id, command.TopicId, command.Stance, command.Rationale?.Trim())];

    /// <summary>Read where a statement puts its speaker (and their organization) on a topic's stance ladder.</summary>
    [WolverinePost("/api/statements/{id}/stances"), RequiresRole(Roles.Editor)]
    [Tags("Statements")]
    public static (ChangeAccepted, Events) Post(AssessStance command, [WriteAggregate("id")] Statement statement)
    {
        var events = Decide(command, statement);
        return (ChangeAccepted.For(statement.Id, command.ExpectedVersion, events.Count), events);
    }
}
