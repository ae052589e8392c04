using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using FluentValidation;
using JasperFx.Events;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Wolverine.Marten;

namespace ClaimsLedger.Speakers.AddingAliases;

/// <param name="Alias">Another name for the speaker ("Cook").</param>
/// <param name="ExpectedVersion">The speaker version you last read.</param>
public sealed record AddAlias(string Alias, long ExpectedVersion);

public sealed class AddAliasValidator : AbstractValidator<AddAlias>
{
    public static readonly AddAliasValidator Instance = new();

    public AddAliasValidator()
    {
        RuleFor(command => command.Alias).RequiredText(CommonRules.NameMaxLength);
        RuleFor(command => command.ExpectedVersion).ExpectedVersion();
    }
}

public static class AddAliasEndpoint
{
    public static ProblemDetails Validate(AddAlias command) => Validation.Check(AddAliasValidator.Instance, command);

    public static ProblemDetails Validate(AddAlias command, IEventStream<Speaker> stream) => Versions.Check(command.ExpectedVersion, stream);

    /// <summary>A name the speaker already answers to adds nothing.</summary>
    public static Events Decide(AddAlias command, Speaker speaker) =>
        speaker.IsKnownAs(command.Alias.Trim()) ? [] : [new AliasAdded(speaker.Id, command.Alias.Trim())];

    /// <summary>Add another name the speaker is known by.</summary>
    [WolverinePost("/api/speakers/{id}/aliases"), RequiresRole(Roles.Recorder)]
    [Tags("Speakers")]
    public static (ChangeAccepted, Events) Post(AddAlias command, [WriteAggregate("id")] Speaker speaker)
    {
        var events = Decide(command, speaker);
        return (ChangeAccepted.For(speaker.Id, command.ExpectedVersion, events.Count), events);
    }
}
