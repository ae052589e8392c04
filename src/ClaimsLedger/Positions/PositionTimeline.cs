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
}

/// <summary>
/// The assessed statements of one actor on one topic, kept in stated-time order however late
/// they were recorded. Shifts and the current position are derived from these entries when read.
/// </summary>
public sealed record PositionTimeline(string Id, ActorRef Actor, Guid TopicId, IReadOnlyList<TimelineEntry> Entries)
{
    public long Version { get; set; }

    /// <summary>Puts the statement's current state in its place, or takes it out when it no longer belongs here.</summary>
    public static PositionTimeline? Place(PositionTimeline? timeline, string id, StatementHistory history)
    {
        var key = TimelineKey.Parse(id);
        var statement = history.Current;
        var actor = ActorRef.Of(statement.Attribution).FirstOrDefault(candidate => candidate.Kind == key.Kind && candidate.Id == key.ActorId);
        var entry = actor is null ? null : TimelineEntry.From(statement, key.TopicId);

        var entries = (timeline?.Entries ?? []).Where(existing => existing.StatementId != statement.Id).ToList();
        if (entry is not null)
        {
            entries.Add(entry);
            entries.Sort(TimelineEntry.StatedOrder);
        }

        if (entries.Count == 0)
        {
            // An empty timeline is no timeline: deleting it keeps a rebuild (which never creates it)
            // identical to the live view.
            return null;
        }

        return (timeline ?? new PositionTimeline(id, actor!, key.TopicId, [])) with
        {
            Actor = actor ?? timeline!.Actor,
            Entries = entries,
        };
    }
}

/// <summary>
/// Stage 2 of the positions projection: the timelines. Each move a batch makes to a timeline's position is
/// published as <see cref="PositionChanged"/>.
/// </summary>
public sealed partial class PositionTimelineProjection : MultiStreamProjection<PositionTimeline, string>
{
    public PositionTimelineProjection()
    {
        // Keep the timelines a page touched for the next pages (only once the page committed), instead of
        // reading every one back from PostgreSQL on each page: a timeline is touched by many pages.
        Options.CacheLimitPerTenant = 10_000;
        Identities<Updated<StatementHistory>>(updated => [.. updated.Entity.Timelines().Select(key => key.ToString())]);
    }

    public override PositionTimeline? Evolve(PositionTimeline? snapshot, string id, IEvent e) =>
        e.Data is Updated<StatementHistory> updated ? PositionTimeline.Place(snapshot, id, updated.Entity) : snapshot;

    /// <summary>
    /// Publishes <see cref="PositionChanged"/> for each move of the timeline's position in this batch. Marten calls this
    /// only while the daemon runs continuously (never in a rebuild or replay, composite stages included), and hands the
    /// messages to Wolverine's outbox, which sends them once the batch has committed: a rolled-back batch announces
    /// nothing. The position before the batch is the timeline as committed, read apart from the batch's own uncommitted
    /// writes; the daemon builds and commits one batch at a time, so that is exactly the state this batch started from.
    /// From there the batch's statement updates are placed again one by one, in recorded order, through the same pure
    /// <see cref="PositionTimeline.Place"/> as <see cref="Evolve"/>, so several statements taken in one batch still
    /// announce each move they made. A replay over events the view already holds (the resume after a rebuild)
    /// therefore finds nothing moved and announces nothing again.
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

        await using var committed = operations.DocumentStore.QuerySession();
        var batch = committed.CreateBatchQuery();
        var beforeRead = batch.Load<PositionTimeline>(id);
        var topicRead = batch.Load<TopicDetails>(TimelineKey.Parse(id).TopicId);
        await batch.Execute();
        if (await topicRead is not { } topic)
        {
            return;
        }

        var timeline = await beforeRead;
        foreach (var history in updates)
        {
            var next = PositionTimeline.Place(timeline, id, history);
            if (next is not null && PositionChanged.Between(timeline, next, topic, history.States[^1].KnownFrom) is { } change)
            {
                slice.PublishMessage(change);
            }

            timeline = next;
        }
    }
}
