using ClaimsLedger.Auditing.ReadingTheLog;
using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClaimsLedger.Auditing.ReadingStreams;

public static class GetStreamEventsEndpoint
{
    public static ProblemDetails Validate(string? cursor, int? limit)
    {
        var problem = EventQuery.Read(null, null, null, null, null, cursor, out _);
        return problem.Status is null ? EventQuery.CheckLimit(limit) : problem;
    }

    /// <summary>
    /// One stream's history (a statement, speaker, topic or organization), oldest first, with every
    /// metadata field, paged like the log (up to the high-water mark). The read is itself recorded in the log.
    /// </summary>
    [WolverineGet("/api/streams/{id}/events"), RequiresRole(Roles.Auditor)]
    [Tags("Auditing")]
    [ProducesResponseType<LogPage>(StatusCodes.Status200OK, "application/json")]
    public static async Task<IResult> Get(
        Guid id, string? cursor, int? limit, EventLog log, AuditTrail trail, IQuerySession session, HttpContext context, CancellationToken cancellation)
    {
        if (await session.Events.FetchStreamStateAsync(id, cancellation) is null)
        {
            return Results.Problem(Problems.NotFound("stream", id));
        }

        EventQuery.Read(id, null, null, null, null, cursor, out var filter);
        await trail.RecordReadAsync(context, filter, cancellation);
        return Results.Stream(
            body => log.WriteAsync(body, filter, limit ?? EventQuery.DefaultPage, ndjson: false, CancellationToken.None),
            "application/json");
    }
}
