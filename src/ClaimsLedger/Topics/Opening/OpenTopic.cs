using System.Text.RegularExpressions;
using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Wolverine.Marten;

namespace ClaimsLedger.Topics.Opening;

/// <param name="Key">Slug the assessments use ("considering-options").</param>
/// <param name="Label">What readers see ("Considering options").</param>
public sealed record StanceRungInput(string Key, string Label);

/// <param name="Title">What positions are about ("U.S. military action against ISIS in Libya").</param>
/// <param name="Description">Scope notes for fact-checkers.</param>
/// <param name="Ladder">Stance positions, lowest first: 2 to 12 rungs with unique keys.</param>
public sealed record OpenTopic(string Title, string? Description, IReadOnlyList<StanceRungInput> Ladder);

public sealed partial class OpenTopicValidator : AbstractValidator<OpenTopic>
{
    public const int MaxRungs = 12;
    public static readonly OpenTopicValidator Instance = new();

    public OpenTopicValidator()
    {
        RuleFor(command => command.Title).RequiredText(300);
        RuleFor(command => command.Description).OptionalText(4_000);
        RuleFor(command => command.Ladder).NotNull().WithMessage("ladder is required.")
            .Must(ladder => ladder is { Count: >= 2 and <= MaxRungs }).WithMessage($"ladder needs 2 to {MaxRungs} rungs, lowest first.")
            .Must(ladder => ladder is null || ladder.Select(rung => rung?.Key).Distinct().Count() == ladder.Count)
            .WithMessage("ladder keys must be unique.");
        RuleForEach(command => command.Ladder).ChildRules(rung =>
        {
            rung.RuleFor(r => r.Key).NotEmpty().Must(key => key is { Length: <= 40 } && Slug().IsMatch(key))
                .WithMessage("key must be a lower-case slug such as 'considering-options' (at most 40 characters).");
            rung.RuleFor(r => r.Label).RequiredText(80);
        });
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex Slug();
}

public static class OpenTopicEndpoint
{
    public static ProblemDetails Validate(OpenTopic command) => Validation.Check(OpenTopicValidator.Instance, command);

    public static TopicOpened Decide(OpenTopic command, Guid topicId) =>
        new(topicId, command.Title.Trim(), command.Description?.Trim(),
            new StanceLadder([.. command.Ladder.Select(rung => new StanceRung(rung.Key, rung.Label.Trim()))]));

    /// <summary>Open a topic with its stance ladder, lowest position first.</summary>
    [WolverinePost("/api/topics"), RequiresRole(Roles.Editor), IdempotentCreation]
    [Tags("Topics")]
    public static (Created, IStartStream) Post(OpenTopic command, NewResource resource) =>
        (new Created(resource.Url, resource.Id), MartenOps.StartStream<Topic>(resource.Id, Decide(command, resource.Id)));
}
