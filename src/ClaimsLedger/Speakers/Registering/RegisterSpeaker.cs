using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Wolverine.Marten;

namespace ClaimsLedger.Speakers.Registering;

/// <param name="Name">Canonical name, or for an unnamed voice the description the reporting used.</param>
/// <param name="Kind">person, unnamed or institution.</param>
/// <param name="Description">Who this is, for readers.</param>
/// <param name="Aliases">Other ways articles name the speaker.</param>
public sealed record RegisterSpeaker(string Name, SpeakerKind Kind, string? Description = null, IReadOnlyList<string>? Aliases = null);

public sealed class RegisterSpeakerValidator : AbstractValidator<RegisterSpeaker>
{
    public static readonly RegisterSpeakerValidator Instance = new();

    public RegisterSpeakerValidator()
    {
        RuleFor(command => command.Name).RequiredText(CommonRules.NameMaxLength);
        RuleFor(command => command.Kind).IsInEnum();
        RuleFor(command => command.Description).OptionalText(1_000);
        RuleFor(command => command.Aliases).Must(aliases => aliases is null || aliases.Count <= 20).WithMessage("At most 20 aliases.");
        RuleForEach(command => command.Aliases).RequiredText(CommonRules.NameMaxLength);
    }
}

public static class RegisterSpeakerEndpoint
{
    public static ProblemDetails Validate(RegisterSpeaker command) => Validation.Check(RegisterSpeakerValidator.Instance, command);

    public static object[] Decide(RegisterSpeaker command, Guid speakerId)
    {
        var name = command.Name.Trim();
        var aliases = (command.Aliases ?? [])
            .Select(alias => alias.Trim())
            .Where(alias => !alias.Equals(name, StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.OrdinalIgnoreCase);
        return [new SpeakerRegistered(speakerId, name, command.Kind, command.Description?.Trim()), .. aliases.Select(alias => new AliasAdded(speakerId, alias))];
    }

    /// <summary>Register a speaker. Roles are added afterwards, each with its dates.</summary>
    [WolverinePost("/api/speakers"), RequiresRole(Roles.Recorder), IdempotentCreation]
    [Tags("Speakers")]
    public static (Created, IStartStream) Post(RegisterSpeaker command, NewResource resource) =>
        (new Created(resource.Url, resource.Id), MartenOps.StartStream<Speaker>(resource.Id, Decide(command, resource.Id)));
}
