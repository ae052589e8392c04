using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using ClaimsLedger.Organizations.GettingDetails;
using ClaimsLedger.Speakers.GettingDetails;
using ClaimsLedger.Topics.GettingDetails;
using Marten;
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
    public static Task<IResult> GetForOrganization(Guid organizationId, Guid topicId, IQuerySession session, CancellationToken cancellation) =>
        ReadAsync<OrganizationDetails>(new TimelineKey(ActorKind.Organization, organizationId, topicId), organization => organization.Name, session, cancellation);

    /// <summary>
    /// Where a speaker has stood on a topic: their assessed statements in stated-time order, the
    /// shifts between them with their Flip rating, and their current position.
    /// </summary>
    [WolverineGet("/api/positions/speakers/{speakerId}/topics/{topicId}"), RequiresRole(Roles.Reader)]
    [Tags("Positions")]
    [ProducesResponseType<PositionTimelineView>(StatusCodes.Status200OK, "application/json")]
    public static Task<IResult> GetForSpeaker(Guid speakerId, Guid topicId, IQuerySession session, CancellationToken cancellation) =>
        ReadAsync<SpeakerDetails>(new TimelineKey(ActorKind.Speaker, speakerId, topicId), speaker => speaker.Name, session, cancellation);

    /// <summary>Reads the actor, the topic and the stored timeline in one round trip, and renders the view.</summary>
    private static async Task<IResult> ReadAsync<TActor>(TimelineKey key, Func<TActor, string> nameOf, IQuerySession session, CancellationToken cancellation)
        where TActor : class
    {
        var batch = session.CreateBatchQuery();
        var actor = batch.Load<TActor>(key.ActorId);
        var topic = batch.Load<TopicDetails>(key.TopicId);
        var timeline = batch.Load<PositionTimeline>(key.ToString());
        await batch.Execute(cancellation);

        if (await actor is not { } found)
        {
            return Results.Problem(Problems.NotFound(key.Kind == ActorKind.Speaker ? "speaker" : "organization", key.ActorId));
        }

        return await topic is not { } details
            ? Results.Problem(Problems.NotFound("topic", key.TopicId))
            : Results.Json(PositionTimelineView.Of(new ActorRef(key.Kind, key.ActorId, nameOf(found)), details, (await timeline)?.Entries ?? []));
    }
}
