using ClaimsLedger.Infrastructure;
using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClaimsLedger.Statements.GettingDetails;

public static class GetStatementEndpoint
{
    public static ProblemDetails Validate(string? asOf, string? knownAt) => TimeTravel.Read(asOf, knownAt, out _);

    /// <summary>
    /// One statement as it stands, with its version for the next change; with <c>knownAt</c>, as it was
    /// known then (a later correction is not yet there); with <c>asOf</c>, as the world stood then (a
    /// later retraction has not happened yet). A withdrawn statement is still answered here (status
    /// "withdrawn", with the reason); lists and timelines leave it out.
    /// </summary>
    [WolverineGet("/api/statements/{id}"), RequiresRole(Roles.Reader)]
    [Tags("Statements")]
    [ProducesResponseType<StatementDetails>(StatusCodes.Status200OK, "application/json")]
    public static async Task<IResult> Get(Guid id, string? asOf, string? knownAt, IQuerySession session, CancellationToken cancellation)
    {
        TimeTravel.Read(asOf, knownAt, out var travel);
        var statement = await travel.LoadAsync<StatementDetails>(session, id, cancellation);
        if (statement is null)
        {
            return Results.Problem(Problems.NotFound("statement", id));
        }

        return travel.HasBeenStated(statement.StatedAt)
            ? Results.Json(statement.AsOf(travel))
            : Results.Problem(Problems.NotYet("statement", id, $"it was stated at {statement.StatedAt}, after {asOf}"));
    }
}
