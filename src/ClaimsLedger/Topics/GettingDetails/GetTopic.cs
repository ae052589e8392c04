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
    /// <summary>One topic with its stance ladder.</summary>
    [WolverineGet("/api/topics/{id}"), RequiresRole(Roles.Reader)]
    [Tags("Topics")]
    public static Task<TopicDetails?> Get(Guid id, IQuerySession session, CancellationToken cancellation) =>
        session.LoadAsync<TopicDetails>(id, cancellation);
}
