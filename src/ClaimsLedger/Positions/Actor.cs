using System.Globalization;
using ClaimsLedger.Statements;
using ClaimsLedger.Statements.History;

namespace ClaimsLedger.Positions;

/// <summary>Whose position a timeline follows: a speaker, or the organization their roles speak for.</summary>
public enum ActorKind
{
    Speaker,
    Organization,
}

public sealed record ActorRef(ActorKind Kind, Guid Id, string Name)
{
    /// <summary>The actors a statement speaks for: its speaker, and the organization of the role it was said in.</summary>
    public static IEnumerable<ActorRef> Of(Attribution attribution)
    {
        yield return new ActorRef(ActorKind.Speaker, attribution.SpeakerId, attribution.SpeakerName);
        if (attribution.OrganizationId is { } organizationId)
        {
            yield return new ActorRef(ActorKind.Organization, organizationId, attribution.OrganizationName ?? "");
        }
    }

}

public static class Actor
{
    /// <summary>
    /// Every timeline a statement is, or has been, part of: each actor it was ever attributed to, on
    /// each topic it was ever assessed on. Updates go to all of them, so a corrected attribution
    /// leaves the old actor's timeline as it joins the new one.
    /// </summary>
    public static IEnumerable<TimelineKey> Timelines(this StatementHistory history)
    {
        var actors = history.States.SelectMany(state => ActorRef.Of(state.Details.Attribution)).Select(actor => (actor.Kind, actor.Id)).Distinct();
        var topics = history.States.SelectMany(state => state.Details.Stances).Select(reading => reading.TopicId).Distinct().ToList();
        return from actor in actors from topic in topics select new TimelineKey(actor.Kind, actor.Id, topic);
    }

    /// <summary>Whether a statement so attributed belongs on the timeline of <paramref name="key"/>'s actor.</summary>
    public static bool SpeaksFor(Attribution attribution, TimelineKey key) =>
        ActorRef.Of(attribution).Any(actor => actor.Kind == key.Kind && actor.Id == key.ActorId);
}

/// <summary>Identity of the timeline of one actor on one topic: "organization:{actorId}:{topicId}".</summary>
public readonly record struct TimelineKey(ActorKind Kind, Guid ActorId, Guid TopicId)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{(Kind == ActorKind.Speaker ? "speaker" : "organization")}:{ActorId}:{TopicId}");

    public static TimelineKey Parse(string id)
    {
        var parts = id.Split(':');
        return new TimelineKey(parts[0] == "speaker" ? ActorKind.Speaker : ActorKind.Organization, Guid.Parse(parts[1]), Guid.Parse(parts[2]));
    }
}
