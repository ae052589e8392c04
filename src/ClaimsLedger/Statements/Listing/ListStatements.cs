using ClaimsLedger.Infrastructure;
using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using ClaimsLedger.Statements.GettingDetails;
using ClaimsLedger.Statements.History;
using Marten;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Wolverine.Http;

namespace ClaimsLedger.Statements.Listing;

public static class ListStatementsEndpoint
{
    public static ProblemDetails Validate(int? limit, string? cursor, string? from, string? to, string? asOf, string? knownAt)
    {
        if (from is not null && !StatedTime.TryParse(from, out _))
        {
            return Problems.Invalid("from", "from must be a stated time: \"2016\", \"2016-01\", \"2016-01-27\" or an instant with offset.");
        }

        if (to is not null && !StatedTime.TryParse(to, out _))
        {
            return Problems.Invalid("to", "to must be a stated time: \"2016\", \"2016-01\", \"2016-01-27\" or an instant with offset.");
        }

        var travel = TimeTravel.Read(asOf, knownAt, out _);
        return travel.Status is null ? Pagination.Check(limit, cursor) : travel;
    }

    /// <summary>
    /// Statements, most recently stated first, filtered by speaker, organization, topic and the stated
    /// period [from, to]; withdrawn ones are left out. With <c>knownAt</c>, the list as recorded by
    /// then (each statement as it then stood); with <c>asOf</c>, only what had been stated by then, as
    /// the world then stood.
    /// </summary>
    [WolverineGet("/api/statements"), RequiresRole(Roles.Reader)]
    [Tags("Statements")]
    [ProducesResponseType<Page<StatementDetails>>(StatusCodes.Status200OK, "application/json")]
    public static Task<IResult> Get(
        Guid? speakerId, Guid? organizationId, Guid? topicId, string? from, string? to, string? asOf, string? knownAt, int? limit, string? cursor,
        IQuerySession session, IOptions<JsonOptions> json, CancellationToken cancellation)
    {
        TimeTravel.Read(asOf, knownAt, out var travel);
        DateTimeOffset? statedFrom = from is null ? null : StatedTime.Parse(from).Start;
        var ends = new[] { to is null ? (DateTimeOffset?)null : StatedTime.Parse(to).End, travel.AsOf?.End }.Where(end => end is not null).ToList();
        DateTimeOffset? statedBefore = ends.Count == 0 ? null : ends.Min();

        if (travel.KnownAt is { } knownBy)
        {
            var revisions = session.Query<StatementRevision>()
                .Where(revision => revision.KnownFrom <= knownBy && (revision.KnownUntil == null || revision.KnownUntil > knownBy))
                .Where(revision => revision.Status != StatementStatus.Withdrawn);
            if (speakerId is { } speaker)
            {
                revisions = revisions.Where(revision => revision.SpeakerId == speaker);
            }

            if (organizationId is { } organization)
            {
                revisions = revisions.Where(revision => revision.Statement.Attribution.OrganizationId == organization);
            }

            if (topicId is { } topic)
            {
                revisions = revisions.Where(revision => revision.Statement.TopicIds.Contains(topic));
            }

            if (statedFrom is { } start)
            {
                revisions = revisions.Where(revision => revision.StatedStart >= start);
            }

            if (statedBefore is { } end)
            {
                revisions = revisions.Where(revision => revision.StatedStart < end);
            }

            return Pagination.PageAsync(revisions.OrderByDescending(revision => revision.StatedStart).ThenBy(revision => revision.Id), limit, cursor,
                revision => revision.Statement.AsOf(travel), json.Value.SerializerOptions, cancellation);
        }

        var query = session.Query<StatementDetails>().Where(details => details.Status != StatementStatus.Withdrawn);
        if (speakerId is { } speakerFilter)
        {
            query = query.Where(details => details.Attribution.SpeakerId == speakerFilter);
        }

        if (organizationId is { } organizationFilter)
        {
            query = query.Where(details => details.Attribution.OrganizationId == organizationFilter);
        }

        if (topicId is { } topicFilter)
        {
            query = query.Where(details => details.TopicIds.Contains(topicFilter));
        }

        if (statedFrom is { } startFilter)
        {
            query = query.Where(details => details.StatedStart >= startFilter);
        }

        if (statedBefore is { } endFilter)
        {
            query = query.Where(details => details.StatedStart < endFilter);
        }

        var ordered = query.OrderByDescending(details => details.StatedStart).ThenBy(details => details.Id);
        return travel.AsOf is null
            ? Pagination.PageAsync(ordered, limit, cursor, cancellation)
            : Pagination.PageAsync(ordered, limit, cursor, details => details.AsOf(travel), json.Value.SerializerOptions, cancellation);
    }
}
