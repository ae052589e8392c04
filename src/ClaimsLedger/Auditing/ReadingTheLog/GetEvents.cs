using ClaimsLedger.Infrastructure.Auth;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClaimsLedger.Auditing.ReadingTheLog;

public static class GetEventsEndpoint
{
    public static ProblemDetails Validate(Guid? streamId, string? type, string? user, string? from, string? to, string? cursor, int? limit)
    {
        var problem = EventQuery.Read(streamId, type, user, from, to, cursor, out _);
        return problem.Status is null ? EventQuery.CheckLimit(limit) : problem;
    }

    /// <summary>
    /// The raw event log in global sequence order with every metadata field (sequence, stream, version,
    /// type, recorded time, user, correlation, causation, headers) and the event data. Filter by stream,
    /// type (e.g. "statement_recorded"), user and recorded time (from/to); page with cursor (a sequence
    /// number) and limit (1-1000). Never returns events beyond the async daemon's high-water mark.
    /// The read is itself recorded in the log (an <c>event_log_read</c> event: who, when, what range).
    /// </summary>
    [WolverineGet("/api/events"), RequiresRole(Roles.Auditor)]
    [Tags("Auditing")]
    [ProducesResponseType<LogPage>(StatusCodes.Status200OK, "application/json")]
    public static async Task<IResult> Get(
        Guid? streamId, string? type, string? user, string? from, string? to, string? cursor, int? limit, EventLog log, AuditTrail trail, HttpContext context)
    {
        EventQuery.Read(streamId, type, user, from, to, cursor, out var filter);
        await trail.RecordReadAsync(context, filter, context.RequestAborted);
        return Results.Stream(
            body => log.WriteAsync(body, filter, limit ?? EventQuery.DefaultPage, ndjson: false, CancellationToken.None),
            "application/json");
    }
}

/// <summary>A page of the log (for the OpenAPI document; the endpoint streams it).</summary>
public sealed record LogPage(IReadOnlyList<LoggedEvent> Items, string? NextCursor);
