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
    /// <summary>One speaker with aliases, roles and the current version.</summary>
    [WolverineGet("/api/speakers/{id}"), RequiresRole(Roles.Reader)]
    [Tags("Speakers")]
    public static Task<SpeakerDetails?> Get(Guid id, IQuerySession session, CancellationToken cancellation) =>
        session.LoadAsync<SpeakerDetails>(id, cancellation);
}
