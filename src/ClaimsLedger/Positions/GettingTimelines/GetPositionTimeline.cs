using ClaimsLedger.Infrastructure;
using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using ClaimsLedger.Organizations.GettingDetails;
using ClaimsLedger.Positions.ReviewingShifts;
using ClaimsLedger.Speakers.GettingDetails;
using ClaimsLedger.Topics.GettingDetails;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClaimsLedger.Positions.GettingTimelines;

public static class GetPositionTimelineEndpoint
{
    public static ProblemDetails Validate(string? asOf, string? knownAt) => TimeTravel.Read(asOf, knownAt, out _);

    /// <summary>
    /// Where an organization has stood on a topic: every assessed statement made in one of its roles,
    /// in stated-time order, the shifts between them with their Flip rating (and the editor's judgement in force on
    /// each: confirmed, or overridden with a reason, by whom and when), the shifts editors recorded that the
    /// computation misses, its current position, and <c>reviewVersion</c>, the version to send when reviewing shifts.
    /// <c>asOf</c> answers where it stood at that stated moment; <c>knownAt</c>, what we had recorded by
    /// then; both together, "as known on K, where did it stand on A".
    /// </summary>
    [WolverineGet("/api/positions/organizations/{organizationId}/topics/{topicId}"), RequiresRole(Roles.Reader)]
    [Tags("Positions")]
    [ProducesResponseType<PositionTimelineView>(StatusCodes.Status200OK, "application/json")]
    public static Task<IResult> GetForOrganization(
        Guid organizationId, Guid topicId, string? asOf, string? knownAt, IQuerySession session, CancellationToken cancellation) =>
        ReadAsync<OrganizationDetails>(new TimelineKey(ActorKind.Organization, organizationId, topicId), organization => organization.Name,
            asOf, knownAt, session, view => Results.Json(view), cancellation);

    /// <summary>
    /// An organization's position timeline on a topic as a CSV download, one row per statement in stated-time order:
    /// stated_at, speaker, role, organization, quote, kind, stance_key, stance_label, retracted, outlets ("; "
    /// between), source_urls (spaces between), statement_id, and shift: the Flip rating of the shift into the entry
    /// (No Flip, Half Flip, Full Flop; none for the first standing entry and for retracted ones); then the editor's
    /// judgement of that shift: editorial_status (confirmed, overridden, unreviewed, or none without a shift),
    /// editorial_rating (the rating the editor gave) and editorial_reason. The same
    /// <c>asOf</c> and <c>knownAt</c> as the JSON timeline. UTF-8 with a byte order mark; cells that a spreadsheet
    /// would run as a formula start with an apostrophe.
    /// </summary>
    [WolverineGet("/api/positions/organizations/{organizationId}/topics/{topicId}/timeline.csv"), RequiresRole(Roles.Reader)]
    [Tags("Positions")]
    [ProducesResponseType<string>(StatusCodes.Status200OK, Csv.MediaType)]
    public static Task<IResult> GetCsvForOrganization(
        Guid organizationId, Guid topicId, string? asOf, string? knownAt, IQuerySession session, CancellationToken cancellation) =>
        ReadAsync<OrganizationDetails>(new TimelineKey(ActorKind.Organization, organizationId, topicId), organization => organization.Name,
            asOf, knownAt, session, view => PositionTimelineCsv.File(view, asOf, knownAt), cancellation);

    /// <summary>
    /// Where a speaker has stood on a topic: their assessed statements in stated-time order, the shifts
    /// between them with their Flip rating and the editor's judgement in force on each, the shifts editors recorded,
    /// and their current position; <c>asOf</c> and <c>knownAt</c> as for organizations (a judgement or a record
    /// counts from when it was recorded; a recorded shift once all its statements had been stated).
    /// </summary>
    [WolverineGet("/api/positions/speakers/{speakerId}/topics/{topicId}"), RequiresRole(Roles.Reader)]
    [Tags("Positions")]
    [ProducesResponseType<PositionTimelineView>(StatusCodes.Status200OK, "application/json")]
    public static Task<IResult> GetForSpeaker(
        Guid speakerId, Guid topicId, string? asOf, string? knownAt, IQuerySession session, CancellationToken cancellation) =>
        ReadAsync<SpeakerDetails>(new TimelineKey(ActorKind.Speaker, speakerId, topicId), speaker => speaker.Name,
            asOf, knownAt, session, view => Results.Json(view), cancellation);

    /// <summary>
    /// A speaker's position timeline on a topic as a CSV download, one row per statement in stated-time order:
    /// stated_at, speaker, role, organization, quote, kind, stance_key, stance_label, retracted, outlets ("; "
    /// between), source_urls (spaces between), statement_id, and shift: the Flip rating of the shift into the entry
    /// (No Flip, Half Flip, Full Flop; none for the first standing entry and for retracted ones); then the editor's
    /// judgement of that shift: editorial_status (confirmed, overridden, unreviewed, or none without a shift),
    /// editorial_rating (the rating the editor gave) and editorial_reason. The same
    /// <c>asOf</c> and <c>knownAt</c> as the JSON timeline. UTF-8 with a byte order mark; cells that a spreadsheet
    /// would run as a formula start with an apostrophe.
    /// </summary>
    [WolverineGet("/api/positions/speakers/{speakerId}/topics/{topicId}/timeline.csv"), RequiresRole(Roles.Reader)]
    [Tags("Positions")]
    [ProducesResponseType<string>(StatusCodes.Status200OK, Csv.MediaType)]
    public static Task<IResult> GetCsvForSpeaker(
        Guid speakerId, Guid topicId, string? asOf, string? knownAt, IQuerySession session, CancellationToken cancellation) =>
        ReadAsync<SpeakerDetails>(new TimelineKey(ActorKind.Speaker, speakerId, topicId), speaker => speaker.Name,
            asOf, knownAt, session, view => PositionTimelineCsv.File(view, asOf, knownAt), cancellation);

    private static async Task<IResult> ReadAsync<TActor>(
        TimelineKey key, Func<TActor, string> nameOf, string? asOf, string? knownAt, IQuerySession session,
        Func<PositionTimelineView, IResult> answer, CancellationToken cancellation)
        where TActor : class
    {
        TimeTravel.Read(asOf, knownAt, out var travel);
        TActor? actor;
        TopicDetails? topic;
        IReadOnlyList<TimelineEntry> entries;
        ShiftReviewDetails? review;
        if (travel.KnownAt is { } knownBy)
        {
            actor = await travel.LoadAsync<TActor>(session, key.ActorId, cancellation);
            topic = await travel.LoadAsync<TopicDetails>(session, key.TopicId, cancellation);
            entries = await KnownEntriesAsync(session, key, knownBy, cancellation);
            // Its entries are only ever added, each with its recorded time: WithReview keeps those recorded by knownAt.
            review = await session.LoadAsync<ShiftReviewDetails>(ShiftReview.StreamId(key), cancellation);
        }
        else
        {
            var batch = session.CreateBatchQuery();
            var actorRead = batch.Load<TActor>(key.ActorId);
            var topicRead = batch.Load<TopicDetails>(key.TopicId);
            var entriesRead = batch.Query<TimelineRevision>().Where(PositionTimeline.InForceOn(key.ToString()))
                .OrderBy(revision => revision.StatedOrder).Select(revision => revision.Entry).ToList();
            var reviewRead = batch.Load<ShiftReviewDetails>(ShiftReview.StreamId(key));
            await batch.Execute(cancellation);
            (actor, topic, entries, review) = (await actorRead, await topicRead, await entriesRead, await reviewRead);
        }

        if (actor is null)
        {
            return Results.Problem(Problems.NotFound(key.Kind == ActorKind.Speaker ? "speaker" : "organization", key.ActorId));
        }

        return topic is null
            ? Results.Problem(Problems.NotFound("topic", key.TopicId))
            : answer(PositionTimelineView.Of(new ActorRef(key.Kind, key.ActorId, nameOf(actor)), topic, AsOf(entries, travel)).WithReview(review, travel));
    }

    /// <summary>A timeline's entries as known at knownAt and stated by asOf, in stated-time order.</summary>
    public static async Task<IReadOnlyList<TimelineEntry>> EntriesAsync(IQuerySession session, TimelineKey key, TimeTravel travel, CancellationToken cancellation)
    {
        var entries = travel.KnownAt is { } knownBy
            ? await KnownEntriesAsync(session, key, knownBy, cancellation)
            : await PositionTimeline.EntriesAsync(session, key.ToString(), cancellation);
        return AsOf(entries, travel);
    }

    /// <summary>The entries as recorded by <paramref name="knownBy"/>: the revisions in force at that moment.</summary>
    private static async Task<IReadOnlyList<TimelineEntry>> KnownEntriesAsync(
        IQuerySession session, TimelineKey key, DateTimeOffset knownBy, CancellationToken cancellation)
    {
        var id = key.ToString();
        var revisions = await session.Query<TimelineRevision>()
            .Where(revision => revision.TimelineId == id && revision.KnownFrom <= knownBy &&
                               (revision.KnownUntil == null || revision.KnownUntil > knownBy))
            .ToListAsync(cancellation);
        var entries = revisions.Select(revision => revision.Entry).ToList();
        entries.Sort(TimelineEntry.StatedOrder);
        return entries;
    }

    /// <summary>Only what had been stated by <c>asOf</c>, and no retraction made after it.</summary>
    private static List<TimelineEntry> AsOf(IReadOnlyList<TimelineEntry> entries, TimeTravel travel) =>
    [
        .. entries
            .Where(entry => travel.HasBeenStated(entry.StatedAt))
            .Select(entry => entry.Retraction is { } retraction && !travel.HasBeenStated(retraction.RetractedAt) ? entry with { Retraction = null } : entry),
    ];
}
