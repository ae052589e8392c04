using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using ClaimsLedger.Ingestion.GettingDetails;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClaimsLedger.Ingestion.Listing;

public static class ListArticlesEndpoint
{
    public static ProblemDetails Validate(int? limit, string? cursor, string? status) =>
        status is null or "pending" or "done"
            ? Pagination.Check(limit, cursor)
            : Problems.Invalid("status", "status must be \"pending\" (articles with candidates left to review) or \"done\".");

    /// <summary>
    /// The review queue: submitted articles, newest first, with how many candidates each has pending,
    /// accepted and rejected. <c>status=pending</c> keeps those with candidates left to review.
    /// </summary>
    [WolverineGet("/api/articles"), RequiresRole(Roles.Reader)]
    [Tags("Ingestion")]
    [ProducesResponseType<Page<ArticleSummary>>(StatusCodes.Status200OK, "application/json")]
    public static Task<IResult> Get(string? status, int? limit, string? cursor, IQuerySession session, CancellationToken cancellation)
    {
        var query = session.Query<ArticleSummary>().AsQueryable();
        query = status switch
        {
            "pending" => query.Where(summary => summary.Pending > 0),
            "done" => query.Where(summary => summary.Pending == 0),
            _ => query,
        };

        return Pagination.PageAsync(query.OrderByDescending(summary => summary.SubmittedAt).ThenBy(summary => summary.Id), limit, cursor, cancellation);
    }
}
