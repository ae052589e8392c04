using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClaimsLedger.Projections.Rebuilding;

/// <summary>The rebuilds a request started (or found already running).</summary>
public sealed record RebuildsAccepted(IReadOnlyList<RebuildState> Rebuilds, string StatusUrl);

public static class RebuildProjectionEndpoint
{
    public static ProblemDetails Validate(string name, ProjectionRebuilds rebuilds)
    {
        if (name.Equals("all", StringComparison.OrdinalIgnoreCase) || rebuilds.Names().Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            return Problems.None;
        }

        var problem = Problems.NotFound("projection", name);
        problem.Detail += $" Projections: all, {string.Join(", ", rebuilds.Names())}.";
        return problem;
    }

    /// <summary>
    /// Rebuild one projection (or "all") from the log, on the service's own daemon, while it keeps
    /// serving. Answers 202 at once; follow progress at <c>GET /api/projections</c> on the same node.
    /// In a cluster, an async projection is rebuilt only by the node Wolverine runs it on: another node
    /// answers 409 naming that node (its Wolverine node number), or 503 with Retry-After while the
    /// projection is being moved to another node; inline views are rebuilt by any node.
    /// </summary>
    [WolverinePost("/api/projections/{name}/rebuild"), RequiresRole(Roles.Admin)]
    [Tags("Projections")]
    [ProducesResponseType<RebuildsAccepted>(StatusCodes.Status202Accepted, "application/json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status503ServiceUnavailable, "application/problem+json")]
    public static async Task<IResult> Post(
        string name, ProjectionRebuilds rebuilds, ProjectionStatusReader status, ProjectionPlacement placement, HttpContext http,
        CancellationToken cancellation)
    {
        var names = name.Equals("all", StringComparison.OrdinalIgnoreCase)
            ? rebuilds.Names()
            : [rebuilds.Names().First(known => known.Equals(name, StringComparison.OrdinalIgnoreCase))];
        foreach (var projection in names.Where(projection => !rebuilds.IsInline(projection) && !placement.RunsHere(projection)))
        {
            // Rebuilding here would replay the projection beside the agent that applies new events to it elsewhere.
            if (await placement.NodeRunningAsync(projection, cancellation) is { } node)
            {
                return Results.Problem(
                    statusCode: StatusCodes.Status409Conflict,
                    title: $"{projection} runs on another node.",
                    detail: $"Projection {projection} runs on node {node.Number}: only that node can rebuild it. Send the rebuild to that node.",
                    type: "https://www.rfc-editor.org/rfc/rfc9110#name-409-conflict",
                    extensions: new Dictionary<string, object?> { ["node"] = node.Number, ["nodeId"] = node.Id });
            }

            http.Response.Headers.RetryAfter = "5";
            return Results.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: $"{projection} is being assigned to a node.",
                detail: $"Projection {projection} runs on no node right now (a node joined or left): retry shortly.",
                type: "https://www.rfc-editor.org/rfc/rfc9110#name-503-service-unavailable");
        }

        var target = (await status.ReadAsync(cancellation)).HighWaterMark;
        var started = names.Select(projection =>
        {
            rebuilds.TryStart(projection, target, _ => placement.LocalDaemonAsync(), out var state);
            return state;
        }).ToList();
        return Results.Accepted("/api/projections", new RebuildsAccepted(started, "/api/projections"));
    }
}
