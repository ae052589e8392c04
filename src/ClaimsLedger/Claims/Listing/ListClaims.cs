using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClaimsLedger.Claims.Listing;

public static class ListClaimsEndpoint
{
    public static ProblemDetails Validate(string? q, int? limit, string? cursor) =>
        q is { Length: > 200 } ? Problems.Invalid("q", "q is at most 200 characters.") : Pagination.Check(limit, cursor);

    /// <summary>Claims, newest first, with their links and verdicts as recorded; <c>q</c> matches any part of the text, <c>topicId</c> filters.</summary>
    [WolverineGet("/api/claims"), RequiresRole(Roles.Reader)]
    [Tags("Claims")]
    [ProducesResponseType<Page<ClaimHistory>>(StatusCodes.Status200OK, "application/json")]
    public static Task<IResult> Get(string? q, Guid? topicId, int? limit, string? cursor, IQuerySession session, CancellationToken cancellation)
    {
        var query = session.Query<ClaimHistory>().AsQueryable();
        if (!string.IsNullOrWhiteSpace(q))
        {
            query = query.Where(claim => claim.Text.Contains(q.Trim(), StringComparison.OrdinalIgnoreCase));
        }

        if (topicId is { } topic)
        {
            query = query.Where(claim => claim.TopicIds.Contains(topic));
        }

        return Pagination.PageAsync(query.OrderByDescending(claim => claim.OpenedAt).ThenBy(claim => claim.Id), limit, cursor, cancellation);
    }
}
