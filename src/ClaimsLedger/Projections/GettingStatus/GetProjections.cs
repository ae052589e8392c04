using ClaimsLedger.Infrastructure.Auth;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClaimsLedger.Projections.GettingStatus;

public static class GetProjectionsEndpoint
{
    /// <summary>
    /// Each view's progress: the log's last sequence and high-water mark, and per projection its
    /// lifecycle, last applied sequence, lag behind the high-water mark, and last rebuild; and whether the
    /// async views are stalled (the mark held below the last event past the stall threshold), since when,
    /// and at which sequence.
    /// </summary>
    [WolverineGet("/api/projections"), RequiresRole(Roles.Reader)]
    [Tags("Projections")]
    public static Task<ProjectionsStatus> Get(ProjectionStatusReader status, CancellationToken cancellation) => status.ReadAsync(cancellation);
}
