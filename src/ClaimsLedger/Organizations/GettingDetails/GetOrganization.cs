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
    /// <summary>One organization, with its current version.</summary>
    [WolverineGet("/api/organizations/{id}"), RequiresRole(Roles.Reader)]
    [Tags("Organizations"), EndpointSummary("Get an organization")]
    public static Task<OrganizationDetails?> Get(Guid id, IQuerySession session, CancellationToken cancellation) =>
        session.LoadAsync<OrganizationDetails>(id, cancellation);
}
