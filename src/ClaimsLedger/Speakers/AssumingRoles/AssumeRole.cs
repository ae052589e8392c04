using ClaimsLedger.Infrastructure;
using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using ClaimsLedger.Organizations;
using FluentValidation;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Wolverine.Marten;

namespace ClaimsLedger.Speakers.AssumingRoles;

/// <param name="Title">The role as reporting words it ("Pentagon Press Secretary").</param>
/// <param name="OrganizationId">Whom the role speaks for.</param>
/// <param name="Since">When it began, at the precision known ("2015-06"); omit when unknown.</param>
/// <param name="Until">When it ended, if it has.</param>
/// <param name="ExpectedVersion">The speaker version you last read.</param>
public sealed record AssumeRole(string Title, Guid? OrganizationId, string? Since, string? Until, long ExpectedVersion);

public sealed class AssumeRoleValidator : AbstractValidator<AssumeRole>
{
    public static readonly AssumeRoleValidator Instance = new();

    public AssumeRoleValidator()
    {
        RuleFor(command => command.Title).RequiredText(CommonRules.NameMaxLength);
        RuleFor(command => command.Since).StatedTimeNotInFuture();
        RuleFor(command => command.Until).StatedTimeNotInFuture();
        RuleFor(command => command.Until)
            .Must((command, until) => !StatedTime.TryParse(command.Since, out var since) || !StatedTime.TryParse(until, out var end) || since <= end)
            .WithMessage("until must not be before since.");
        RuleFor(command => command.ExpectedVersion).ExpectedVersion();
    }
}

public static class AssumeRoleEndpoint
{
    public static ProblemDetails Validate(AssumeRole command, LedgerClock clock) =>
        Validation.Check(AssumeRoleValidator.Instance, command, clock.Now);

    public static ProblemDetails Validate(AssumeRole command, IEventStream<Speaker> stream) => Versions.Check(command.ExpectedVersion, stream);

    public static async Task<Organization?> LoadAsync(AssumeRole command, IQuerySession session, CancellationToken cancellation) =>
        command.OrganizationId is { } id ? await session.Events.AggregateStreamAsync<Organization>(id, token: cancellation) : null;

    public static ProblemDetails Validate(AssumeRole command, Organization? organization) =>
        command.OrganizationId is not null && organization is null
            ? Problems.Unprocessable("organizationId", $"There is no organization with id '{command.OrganizationId}'.")
            : Problems.None;

    /// <summary>The same role with the same start, already held, adds nothing.</summary>
    public static Events Decide(AssumeRole command, Speaker speaker, Organization? organization, Guid roleId)
    {
        var title = command.Title.Trim();
        StatedTime? since = command.Since is null ? null : StatedTime.Parse(command.Since);
        StatedTime? until = command.Until is null ? null : StatedTime.Parse(command.Until);
        var existing = speaker.Roles.FirstOrDefault(role =>
            role.Title.Equals(title, StringComparison.OrdinalIgnoreCase) && role.OrganizationId == organization?.Id && role.Since == since);
        if (existing is not null)
        {
            return existing.Until is null && until is not null ? [new RoleLeft(speaker.Id, existing.RoleId, until)] : [];
        }

        Events events = [new RoleAssumed(speaker.Id, roleId, title, organization?.Id, organization?.Name, since)];
        if (until is not null)
        {
            events.Add(new RoleLeft(speaker.Id, roleId, until));
        }

        return events;
    }

    /// <summary>Record that the speaker took a role (and, with <c>until</c>, left it).</summary>
    [WolverinePost("/api/speakers/{id}/roles"), RequiresRole(Roles.Recorder)]
    [Tags("Speakers")]
    public static (ChangeAccepted, Events) Post(AssumeRole command, [WriteAggregate("id")] Speaker speaker, Organization? organization, LedgerClock clock)
    {
        var events = Decide(command, speaker, organization, Guid.CreateVersion7(clock.Now));
        return (ChangeAccepted.For(speaker.Id, command.ExpectedVersion, events.Count), events);
    }
}
