using System.Globalization;
using System.Linq.Expressions;
using ClaimsLedger.Infrastructure;
using ClaimsLedger.Statements;
using ClaimsLedger.Statements.GettingDetails;
using ClaimsLedger.Statements.History;
using ClaimsLedger.Topics.GettingDetails;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;

namespace ClaimsLedger.Positions;

/// <summary>One assessed statement on a timeline.</summary>
public sealed record TimelineEntry(
    Guid StatementId,
    StatedTime StatedAt,
    DateTimeOffset RecordedAt,
    string Quote,
    QuoteKind Kind,
    Attribution Attribution,
    IReadOnlyList<Source> Sources,
    string Stance,
    string? Rationale,
    Retraction? Retraction)
{
    public static TimelineEntry? From(StatementDetails statement, Guid topicId)
    {
        var reading = statement.Stances.FirstOrDefault(candidate => candidate.TopicId == topicId);
        return reading is null || statement.Status == StatementStatus.Withdrawn
            ? null
            : new TimelineEntry(statement.Id, statement.StatedAt, statement.RecordedAt, statement.Quote, statement.Kind,
                statement.Attribution, statement.Sources, reading.Stance, reading.Rationale, statement.Retraction);
    }

    /// <summary>Stated order; among statements stated at the same moment, the one recorded first.</summary>
    public static int StatedOrder(TimelineEntry left, TimelineEntry right)
    {
        var byStated = left.StatedAt.CompareTo(right.StatedAt);
        if (byStated != 0)
        {
            return byStated;
        }

        var byRecorded = left.RecordedAt.CompareTo(right.RecordedAt);
        return byRecorded != 0 ? byRecorded : left.StatementId.CompareTo(right.StatementId);
    }

    /// <summary>
    /// <see cref="StatedOrder"/> as text that sorts the same way (ordinal), so PostgreSQL can keep a timeline's
    /// entries in order in an index: the stated period's start and end, the recorded time (UTC ticks, fixed
    /// width), then the statement id, whose "N" form sorts as <see cref="Guid.CompareTo(Guid)"/> does.
    /// </summary>
    public string StatedOrderKey() => string.Create(CultureInfo.InvariantCulture,
        $"{StatedAt.Start.UtcTicks:D19}{StatedAt.End.UtcTicks:D19}{RecordedAt.UtcTicks:D19}{StatementId:N}");
}

/// <summary>The entries of one timeline, as a list kept in stated order.</summary>
public static class TimelineEntries
{
    /// <summary>
    /// Puts the statement's current state in its place among <paramref name="entries"/> (stated order), or takes it out
    /// when it no longer belongs on the timeline of <paramref name="key"/>: pure, the same rule the stored entries follow.
    /// </summary>
    public static IReadOnlyList<TimelineEntry> Place(IReadOnlyList<TimelineEntry> entries, TimelineKey key, StatementHistory history)
    {
        var entry = Actor.SpeaksFor(history.Current.Attribution, key) ? TimelineEntry.From(history.Current, key.TopicId) : null;
        var placed = entries.Where(existing => existing.StatementId != history.Id).ToList();
        if (entry is not null)
        {
            var at = placed.BinarySearch(entry, Comparer<TimelineEntry>.Create(TimelineEntry.StatedOrder));
            placed.Insert(at < 0 ? ~at : at, entry);
        }

        return placed;
    }
}

/// <summary>
/// That an actor has a timeline on a topic: whose, on what, and the actor's name as its latest statement there gave it.
/// The entries are not kept here but one row each, as the timeline's revisions in force (<see cref="TimelineRevision"/>
/// with no <c>KnownUntil</c>): a change to one statement then writes that statement's rows, not the whole timeline again.
/// A timeline exists once any statement has been on it; it lists only while it has entries.
/// </summary>
/// <param name="Id">The timeline's key (<see cref="TimelineKey"/>).</param>
/// <param name="Actor">Whose timeline, named as the latest statement on it names them.</param>
/// <param name="TopicId">On which topic.</param>
/// <param name="NamedAt">When the state that gave <see cref="ActorRef.Name"/> was recorded; with <paramref name="NamedBy"/>,
/// the latest wins, whatever order the updates arrive in, so a rebuild names the actor as the live view did.</param>
/// <param name="NamedBy">The statement that gave the name.</param>
public sealed record PositionTimeline(string Id, ActorRef Actor, Guid TopicId, DateTimeOffset NamedAt, Guid NamedBy)
{
    public long Version { get; set; }

    /// <summary>The timeline once this statement's history is known: started, or renamed by a later statement on it.</summary>
    public static PositionTimeline? Touch(PositionTimeline? timeline, string id, StatementHistory history)
    {
        var key = TimelineKey.Parse(id);
        (ActorRef Actor, DateTimeOffset At)? latest = null;
        for (var index = history.States.Count - 1; index >= 0 && latest is null; index--)
        {
            var state = history.States[index];
            if (TimelineEntry.From(state.Details, key.TopicId) is not null
                && ActorRef.Of(state.Details.Attribution).FirstOrDefault(actor => actor.Kind == key.Kind && actor.Id == key.ActorId) is { } actor)
            {
                latest = (actor, state.KnownFrom);
            }
        }

        if (latest is not { } named)
        {
            return timeline;
        }

        if (timeline is not null && (timeline.NamedAt, timeline.NamedBy).CompareTo((named.At, history.Id)) >= 0)
        {
            return timeline;
        }

        return new PositionTimeline(id, named.Actor, key.TopicId, named.At, history.Id) { Version = timeline?.Version ?? 0 };
    }

    /// <summary>
    /// The entries in force, in stated order: one indexed range of the revisions with no end
    /// (<c>(timeline_id, stated_order) where known_until is null</c>).
    /// </summary>
    public static async Task<IReadOnlyList<TimelineEntry>> EntriesAsync(IQuerySession session, string id, CancellationToken cancellation) =>
        await session.Query<TimelineRevision>().Where(InForceOn(id)).OrderBy(revision => revision.StatedOrder).Select(revision => revision.Entry)
            .ToListAsync(cancellation);

    /// <summary>The revisions in force on timeline <paramref name="id"/>: its current entries.</summary>
    public static Expression<Func<TimelineRevision, bool>> InForceOn(string id) =>
        revision => revision.TimelineId == id && revision.KnownUntil == null;
}

/// <summary>
/// Stage 2 of the positions projection: which timelines there are. Each move a batch makes to a timeline's position is
/// published as <see cref="PositionChanged"/>.
/// </summary>
public sealed partial class PositionTimelineProjection : MultiStreamProjection<PositionTimeline, string>
{
    public PositionTimelineProjection()
    {
        Options.CacheLimitPerTenant = 10_000;
        Identities<Updated<StatementHistory>>(updated => [.. updated.Entity.Timelines().Select(key => key.ToString())]);
    }

    public override PositionTimeline? Evolve(PositionTimeline? snapshot, string id, IEvent e) =>
        e.Data is Updated<StatementHistory> updated ? PositionTimeline.Touch(snapshot, id, updated.Entity) : snapshot;

    /// <summary>
    /// Publishes <see cref="PositionChanged"/> for each move of the timeline's position in this batch. Marten calls this
    /// only while the daemon runs continuously (never in a rebuild or replay, composite stages included), and hands the
    /// messages to Wolverine's outbox, which sends them once the batch has committed: a rolled-back batch announces
    /// nothing. The entries before the batch are the timeline's revisions in force as committed, read apart from the
    /// batch's own uncommitted writes; the daemon builds and commits one batch at a time, so that is exactly the state
    /// this batch started from. From there the batch's statement updates are placed again one by one, in recorded order,
    /// through the same pure <see cref="TimelineEntries.Place"/> the revisions follow, so several statements taken in one
    /// batch still announce each move they made. A replay over events the view already holds (the resume after a
    /// rebuild) therefore finds nothing moved and announces nothing again.
    /// </summary>
    public override async ValueTask RaiseSideEffects(IDocumentOperations operations, string id, IEventSlice<PositionTimeline> slice)
    {
        var updates = slice.Events().Select(e => e.Data).OfType<Updated<StatementHistory>>()
            .Select(updated => updated.Entity)
            .OrderBy(history => history.States[^1].KnownFrom)
            .ToList();
        if (updates.Count == 0)
        {
            return;
        }

        var key = TimelineKey.Parse(id);
        await using var committed = operations.DocumentStore.QuerySession();
        if (await committed.LoadAsync<TopicDetails>(key.TopicId) is not { } topic)
        {
            return;
        }

        var entries = await PositionTimeline.EntriesAsync(committed, id, CancellationToken.None);
        foreach (var history in updates)
        {
            var next = TimelineEntries.Place(entries, key, history);
            var actor = ActorRef.Of(history.Current.Attribution).FirstOrDefault(candidate => candidate.Kind == key.Kind && candidate.Id == key.ActorId)
                        ?? slice.Snapshot?.Actor;
            if (actor is not null && PositionChanged.Between(actor, entries, next, topic, history.States[^1].KnownFrom) is { } change)
            {
                slice.PublishMessage(change);
            }

            entries = next;
        }
    }
}
