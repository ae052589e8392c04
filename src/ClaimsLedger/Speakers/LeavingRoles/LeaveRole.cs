using ClaimsLedger.Infrastructure;
using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using FluentValidation;
using JasperFx.Events;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Wolverine.Marten;

namespace ClaimsLedger.Speakers.LeavingRoles;

/// <param name="On">When the speaker left, at the precision known; omit when unknown.</param>
/// <param name="ExpectedVersion">The speaker version you last read.</param>
public sealed record LeaveRole(string? On, long ExpectedVersion);

public sealed class LeaveRoleValidator : AbstractValidator<LeaveRole>
{
    public static readonly LeaveRoleValidator Instance = new();

    public LeaveRoleValidator()
    {
        RuleFor(command => command.On).StatedTimeNotInFuture();
        RuleFor(command => command.ExpectedVersion).ExpectedVersion();
    }
}

public static class LeaveRoleEndpoint
{
    public static ProblemDetails Validate(LeaveRole command, LedgerClock clock) =>
        Validation.Check(LeaveRoleValidator.Instance, command, clock.Now);

    public static ProblemDetails Validate(LeaveRole command, IEventStream<Speaker> stream) => Versions.Check(command.ExpectedVersion, stream);

    public static ProblemDetails Validate(Guid roleId, Speaker speaker) =>
        speaker.Roles.Any(role => role.RoleId == roleId) ? Problems.None : Problems.NotFound("role", roleId);

    /// <summary>Leaving a role already left adds nothing.</summary>
    public static Events Decide(LeaveRole command, Speaker speaker, Guid roleId)
    {
        var role = speaker.Roles.Single(candidate => candidate.RoleId == roleId);
        return role.Until is not null ? [] : [new RoleLeft(speaker.Id, roleId, command.On is null ? null : StatedTime.Parse(command.On))];
    }

    /// <summary>Record that the speaker left one of their roles.</summary>
    [WolverinePost("/api/speakers/{id}/roles/{roleId}/left"), RequiresRole(Roles.Recorder)]
    [Tags("Speakers")]
    public static (ChangeAccepted, Events) Post(LeaveRole command, Guid roleId, [WriteAggregate("id")] Speaker speaker)
    {
        var events = Decide(command, speaker, roleId);
        return (ChangeAccepted.For(speaker.Id, command.ExpectedVersion, events.Count), events);
    }
}
