using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using ClaimsLedger.Speakers.GettingDetails;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClaimsLedger.Speakers.Listing;

public static class ListSpeakersEndpoint
{
    public static ProblemDetails Validate(int? limit, string? cursor) => Pagination.Check(limit, cursor);

    /// <summary>Speakers by name; <c>q</c> matches the start of a name, case-insensitively.</summary>
    [WolverineGet("/api/speakers"), RequiresRole(Roles.Reader)]
    [Tags("Speakers")]
    [ProducesResponseType<Page<SpeakerDetails>>(StatusCodes.Status200OK, "application/json")]
    public static Task<IResult> Get(string? q, int? limit, string? cursor, IQuerySession session, CancellationToken cancellation)
    {
        var query = session.Query<SpeakerDetails>().AsQueryable();
        if (!string.IsNullOrWhiteSpace(q))
        {
            query = query.Where(details => details.Name.StartsWith(q.Trim(), StringComparison.OrdinalIgnoreCase));
        }

        return Pagination.PageAsync(query.OrderBy(details => details.Name).ThenBy(details => details.Id), limit, cursor, cancellation);
    }
}
