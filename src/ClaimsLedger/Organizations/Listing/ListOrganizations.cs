using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using ClaimsLedger.Organizations.GettingDetails;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClaimsLedger.Organizations.Listing;

public static class ListOrganizationsEndpoint
{
    public static ProblemDetails Validate(int? limit, string? cursor) => Pagination.Check(limit, cursor);

    /// <summary>Organizations by name; <c>q</c> matches the start of a name, case-insensitively.</summary>
    [WolverineGet("/api/organizations"), RequiresRole(Roles.Reader)]
    [Tags("Organizations")]
    [ProducesResponseType<Page<OrganizationDetails>>(StatusCodes.Status200OK, "application/json")]
    public static Task<IResult> Get(string? q, int? limit, string? cursor, IQuerySession session, CancellationToken cancellation)
    {
        var query = session.Query<OrganizationDetails>().AsQueryable();
        if (!string.IsNullOrWhiteSpace(q))
        {
            query = query.Where(details => details.Name.StartsWith(q.Trim(), StringComparison.OrdinalIgnoreCase));
        }

        return Pagination.PageAsync(query.OrderBy(details => details.Name).ThenBy(details => details.Id), limit, cursor, cancellation);
    }
}
