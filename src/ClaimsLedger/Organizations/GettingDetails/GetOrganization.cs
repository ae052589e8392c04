using ClaimsLedger.Infrastructure;
using ClaimsLedger.Infrastructure.Auth;
using JasperFx.Events;
using Marten;
using Marten.Events.Aggregation;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClaimsLedger.Organizations.GettingDetails;

/// <summary>Read model of an organization.</summary>
public sealed record OrganizationDetails(Guid Id, string Name, IReadOnlyList<string> Aliases, DateTimeOffset RegisteredAt)
{
    public long Version { get; set; }
}

public sealed partial class OrganizationDetailsProjection : SingleStreamProjection<OrganizationDetails, Guid>
{
    public static OrganizationDetails Create(IEvent<OrganizationRegistered> registered) =>
        new(registered.Data.OrganizationId, registered.Data.Name, registered.Data.Aliases, registered.Timestamp);
}

public static class GetOrganizationEndpoint
{
    public static ProblemDetails Validate(string? asOf, string? knownAt) => TimeTravel.Read(asOf, knownAt, out _);

    /// <summary>One organization, with its current version; with <c>knownAt</c>, as recorded by then.</summary>
    [WolverineGet("/api/organizations/{id}"), RequiresRole(Roles.Reader)]
    [Tags("Organizations")]
    [ProducesResponseType<OrganizationDetails>(StatusCodes.Status200OK, "application/json")]
    public static async Task<IResult> Get(Guid id, string? asOf, string? knownAt, IQuerySession session, CancellationToken cancellation)

    {
        TimeTravel.Read(asOf, knownAt, out var travel);
        return await travel.AnswerAsync<OrganizationDetails>(session, id, "organization", found => found, cancellation);
    }
}
