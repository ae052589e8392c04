using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using ClaimsLedger.Organizations.GettingDetails;
using ClaimsLedger.Speakers.GettingDetails;
using ClaimsLedger.Topics.GettingDetails;
using Marten;
using Marten.Services.BatchQuerying;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClaimsLedger.Positions.GettingTimelines;

public static class GetPositionTimelineEndpoint
{
    /// <summary>
    /// Where an organization has stood on a topic: every assessed statement made in one of its
    /// roles, in stated-time order, the shifts between them with their Flip rating, and its current position.
    /// </summary>
    [WolverineGet("/api/positions/organizations/{organizationId}/topics/{topicId}"), RequiresRole(Roles.Reader)]
    [Tags("Positions")]
    [ProducesResponseType<PositionTimelineView>(StatusCodes.Status200OK, "application/json")]
    public static async Task<IResult> GetForOrganization(Guid organizationId, Guid topicId, IQuerySession session, CancellationToken cancellation)
    {
        var batch = session.CreateBatchQuery();
        var organization = batch.Load<OrganizationDetails>(organizationId);
        var (topic, timeline) = Queue(batch, new TimelineKey(ActorKind.Organization, organizationId, topicId));
        await batch.Execute(cancellation);

        var found = await organization;
        return found is null
            ? Results.Problem(Problems.NotFound("organization", organizationId))
            : Render(new ActorRef(ActorKind.Organization, found.Id, found.Name), topicId, await topic, await timeline);
    }

    /// <summary>
    /// Where a speaker has stood on a topic: their assessed statements in stated-time order, the
    /// shifts between them with their Flip rating, and their current position.
    /// </summary>
    [WolverineGet("/api/positions/speakers/{speakerId}/topics/{topicId}"), RequiresRole(Roles.Reader)]
    [Tags("Positions")]
    [ProducesResponseType<PositionTimelineView>(StatusCodes.Status200OK, "application/json")]
    public static async Task<IResult> GetForSpeaker(Guid speakerId, Guid topicId, IQuerySession session, CancellationToken cancellation)
    {
        var batch = session.CreateBatchQuery();
        var speaker = batch.Load<SpeakerDetails>(speakerId);
        var (topic, timeline) = Queue(batch, new TimelineKey(ActorKind.Speaker, speakerId, topicId));
        await batch.Execute(cancellation);

        var found = await speaker;
        return found is null
            ? Results.Problem(Problems.NotFound("speaker", speakerId))
            : Render(new ActorRef(ActorKind.Speaker, found.Id, found.Name), topicId, await topic, await timeline);
    }

    private static (Task<TopicDetails?> Topic, Task<PositionTimeline?> Timeline) Queue(IBatchedQuery batch, TimelineKey key) =>
        (batch.Load<TopicDetails>(key.TopicId), batch.Load<PositionTimeline>(key.ToString()));

    private static IResult Render(ActorRef actor, Guid topicId, TopicDetails? topic, PositionTimeline? timeline) =>
        topic is null
            ? Results.Problem(Problems.NotFound("topic", topicId))
            : Results.Json(PositionTimelineView.Of(actor, topic, timeline?.Entries ?? []));
}
