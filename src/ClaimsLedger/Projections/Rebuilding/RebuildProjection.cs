using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using JasperFx.Events.Daemon;
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
    /// serving. Answers 202 at once; follow progress at <c>GET /api/projections</c>.
    /// </summary>
    [WolverinePost("/api/projections/{name}/rebuild"), RequiresRole(Roles.Admin)]
    [Tags("Projections")]
    [ProducesResponseType<RebuildsAccepted>(StatusCodes.Status202Accepted, "application/json")]
    public static async Task<IResult> Post(
        string name, ProjectionRebuilds rebuilds, ProjectionStatusReader status, IProjectionCoordinator coordinator, CancellationToken cancellation)
    {
        var names = name.Equals("all", StringComparison.OrdinalIgnoreCase)
            ? rebuilds.Names()
            : [rebuilds.Names().First(known => known.Equals(name, StringComparison.OrdinalIgnoreCase))];
        var target = (await status.ReadAsync(cancellation)).HighWaterMark;
        var started = names.Select(projection =>
        {
            rebuilds.TryStart(projection, target, _ => Task.FromResult(coordinator.DaemonForMainDatabase()), out var state);
            return state;
        }).ToList();
        return Results.Accepted("/api/projections", new RebuildsAccepted(started, "/api/projections"));
    }
}
