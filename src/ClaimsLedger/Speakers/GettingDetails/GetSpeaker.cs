using ClaimsLedger.Infrastructure;
using ClaimsLedger.Infrastructure.Auth;
using JasperFx.Events;
using Marten;
using Marten.Events.Aggregation;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClaimsLedger.Speakers.GettingDetails;

/// <summary>Read model of a speaker: names, and the roles held over time.</summary>
public sealed record SpeakerDetails(
    Guid Id,
    string Name,
    SpeakerKind Kind,
    string? Description,
    IReadOnlyList<string> Aliases,
    IReadOnlyList<SpeakerRole> Roles,
    DateTimeOffset RegisteredAt)
{
    public long Version { get; set; }

    /// <summary>As the world stood at <see cref="TimeTravel.AsOf"/>: only the roles taken by then, and left by then.</summary>
    public SpeakerDetails AsOf(TimeTravel travel) =>
        travel.AsOf is null
            ? this
            : this with
            {
                Roles =
                [
                    .. Roles
                        .Where(role => role.Since is not { } since || travel.HasBeenStated(since))
                        .Select(role => role.Until is { } until && !travel.HasBeenStated(until) ? role with { Until = null } : role),
                ],
            };
}

public sealed partial class SpeakerDetailsProjection : SingleStreamProjection<SpeakerDetails, Guid>
{
    public static SpeakerDetails Create(IEvent<SpeakerRegistered> registered) =>
        new(registered.Data.SpeakerId, registered.Data.Name, registered.Data.Kind, registered.Data.Description, [], [], registered.Timestamp);

    public static SpeakerDetails Apply(AliasAdded added, SpeakerDetails details) =>
        details with { Aliases = [.. details.Aliases, added.Alias] };

    public static SpeakerDetails Apply(RoleAssumed assumed, SpeakerDetails details) =>
        details with { Roles = [.. details.Roles, assumed.ToRole()] };

    public static SpeakerDetails Apply(RoleLeft left, SpeakerDetails details) =>
        details with { Roles = [.. details.Roles.Left(left)] };
}

public static class GetSpeakerEndpoint
{
    public static ProblemDetails Validate(string? asOf, string? knownAt) => TimeTravel.Read(asOf, knownAt, out _);

    /// <summary>
    /// One speaker with aliases, roles and the current version; with <c>knownAt</c>, as recorded by then;
    /// with <c>asOf</c>, only the roles taken by then (and left by then).
    /// </summary>
    [WolverineGet("/api/speakers/{id}"), RequiresRole(Roles.Reader)]
    [Tags("Speakers")]
    [ProducesResponseType<SpeakerDetails>(StatusCodes.Status200OK, "application/json")]
    public static async Task<IResult> Get(Guid id, string? asOf, string? knownAt, IQuerySession session, CancellationToken cancellation)
    {
        TimeTravel.Read(asOf, knownAt, out var travel);
        return await travel.AnswerAsync<SpeakerDetails>(session, id, "speaker", speaker => speaker.AsOf(travel), cancellation);
    }
}
