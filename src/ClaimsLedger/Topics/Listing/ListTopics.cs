using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using ClaimsLedger.Topics.GettingDetails;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClaimsLedger.Topics.Listing;

public static class ListTopicsEndpoint
{
    public static ProblemDetails Validate(int? limit, string? cursor) => Pagination.Check(limit, cursor);

    /// <summary>Topics by title; <c>q</c> matches any part of the title, case-insensitively.</summary>
    [WolverineGet("/api/topics"), RequiresRole(Roles.Reader)]
    [Tags("Topics")]
    [ProducesResponseType<Page<TopicDetails>>(StatusCodes.Status200OK, "application/json")]
    public static Task<IResult> Get(string? q, int? limit, string? cursor, IQuerySession session, CancellationToken cancellation)
    {
        var query = session.Query<TopicDetails>().AsQueryable();
        if (!string.IsNullOrWhiteSpace(q))
        {
            query = query.Where(details => details.Title.Contains(q.Trim(), StringComparison.OrdinalIgnoreCase));
        }

        return Pagination.PageAsync(query.OrderBy(details => details.Title).ThenBy(details => details.Id), limit, cursor, cancellation);
    }
}
