using ClaimsLedger.Infrastructure;
using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClaimsLedger.Claims.GettingHistory;

public static class GetClaimEndpoint
{
    public static ProblemDetails Validate(string? asOf, string? knownAt) => TimeTravel.Read(asOf, knownAt, out _);

    /// <summary>
    /// A claim's history: the claim, every linked statement with its sources, every verdict and
    /// revision in order (a revision shows as "After the fact: ..."), and the verdict in force.
    /// <c>knownAt</c> shows what had been recorded by then; <c>asOf</c>, what had been said and published by then.
    /// </summary>
    [WolverineGet("/api/claims/{id}"), RequiresRole(Roles.Reader)]
    [Tags("Claims")]
    [ProducesResponseType<ClaimHistoryView>(StatusCodes.Status200OK, "application/json")]
    public static async Task<IResult> Get(Guid id, string? asOf, string? knownAt, IQuerySession session, CancellationToken cancellation)
    {
        TimeTravel.Read(asOf, knownAt, out var travel);
        return await ClaimHistoryReader.ReadAsync(session, id, travel, cancellation) is { } view
            ? Results.Json(view)
            : Results.Problem(Problems.NotFound("claim", id));
    }
}
