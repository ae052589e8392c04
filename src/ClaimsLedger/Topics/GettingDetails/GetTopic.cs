using ClaimsLedger.Infrastructure;
using ClaimsLedger.Infrastructure.Auth;
using JasperFx.Events;
using Marten;
using Marten.Events.Aggregation;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClaimsLedger.Topics.GettingDetails;

/// <summary>Read model of a topic and its stance ladder.</summary>
public sealed record TopicDetails(Guid Id, string Title, string? Description, StanceLadder Ladder, DateTimeOffset OpenedAt)
{
    public long Version { get; set; }
}

public sealed partial class TopicDetailsProjection : SingleStreamProjection<TopicDetails, Guid>
{
    public static TopicDetails Create(IEvent<TopicOpened> opened) =>
        new(opened.Data.TopicId, opened.Data.Title, opened.Data.Description, opened.Data.Ladder, opened.Timestamp);
}

public static class GetTopicEndpoint
{
    public static ProblemDetails Validate(string? asOf, string? knownAt) => TimeTravel.Read(asOf, knownAt, out _);

    /// <summary>One topic with its stance ladder; with <c>knownAt</c>, as recorded by then.</summary>
    [WolverineGet("/api/topics/{id}"), RequiresRole(Roles.Reader)]
    [Tags("Topics")]
    [ProducesResponseType<TopicDetails>(StatusCodes.Status200OK, "application/json")]
    public static async Task<IResult> Get(Guid id, string? asOf, string? knownAt, IQuerySession session, CancellationToken cancellation)

    {
        TimeTravel.Read(asOf, knownAt, out var travel);
        return await travel.AnswerAsync<TopicDetails>(session, id, "topic", found => found, cancellation);
    }
}
