using ClaimsLedger.Infrastructure;
using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using ClaimsLedger.Statements.GettingDetails;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClaimsLedger.Statements.Listing;

public static class ListStatementsEndpoint
{
    public static ProblemDetails Validate(int? limit, string? cursor, string? from, string? to)
    {
        if (from is not null && !StatedTime.TryParse(from, out _))
        {
            return Problems.Invalid("from", "from must be a stated time: \"2016\", \"2016-01\", \"2016-01-27\" or an instant with offset.");
        }

        if (to is not null && !StatedTime.TryParse(to, out _))
        {
            return Problems.Invalid("to", "to must be a stated time: \"2016\", \"2016-01\", \"2016-01-27\" or an instant with offset.");
        }

        return Pagination.Check(limit, cursor);
    }

    /// <summary>
    /// Statements, most recently stated first, filtered by speaker, organization, topic and the
    /// stated period [from, to]. Withdrawn statements are left out.
    /// </summary>
    [WolverineGet("/api/statements"), RequiresRole(Roles.Reader)]
    [Tags("Statements")]
    [ProducesResponseType<Page<StatementDetails>>(StatusCodes.Status200OK, "application/json")]
    public static Task<IResult> Get(
        Guid? speakerId, Guid? organizationId, Guid? topicId, string? from, string? to, int? limit, string? cursor,
        IQuerySession session, CancellationToken cancellation)
    {
        var query = session.Query<StatementDetails>().Where(details => details.Status != StatementStatus.Withdrawn);
        if (speakerId is { } speaker)
        {
            query = query.Where(details => details.Attribution.SpeakerId == speaker);
        }

        if (organizationId is { } organization)
        {
            query = query.Where(details => details.Attribution.OrganizationId == organization);
        }

        if (topicId is { } topic)
        {
            query = query.Where(details => details.TopicIds.Contains(topic));
        }

        if (from is not null)
        {
            var start = StatedTime.Parse(from).Start;
            query = query.Where(details => details.StatedStart >= start);
        }

        if (to is not null)
        {
            var end = StatedTime.Parse(to).End;
            query = query.Where(details => details.StatedStart < end);
        }

        return Pagination.PageAsync(query.OrderByDescending(details => details.StatedStart).ThenBy(details => details.Id), limit, cursor, cancellation);
    }
}
