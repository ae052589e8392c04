using ClaimsLedger.Statements.History;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;

namespace ClaimsLedger.Positions;

/// <summary>
/// One statement's entry on one timeline, as it was known from <paramref name="KnownFrom"/> until
/// <paramref name="KnownUntil"/> (recorded time, end exclusive; null while it still holds). The
/// timeline as known at K is the set of revisions with KnownFrom &lt;= K &lt; KnownUntil: one indexed
/// query, however long the history.
/// </summary>
public sealed record TimelineRevision(
    string Id,
    string TimelineId,
    Guid StatementId,
    int Revision,
    DateTimeOffset KnownFrom,
    DateTimeOffset? KnownUntil,
    TimelineEntry Entry)
{
    /// <summary>The entry's place in stated order, as sortable text: the order a timeline's entries are read in.</summary>
    public string StatedOrder => Entry.StatedOrderKey();

    /// <summary>
    /// The revisions the latest batch changed (<see cref="StatementHistory.ChangedFrom"/> on) on each timeline the
    /// statement has touched. A state in which the statement is not on a timeline (withdrawn, attributed elsewhere, not
    /// yet assessed) gives none. Events are immutable, so revision n of a statement never changes, except that its end
    /// is set once the next state arrives; writing one again is idempotent. A state superseded within the same instant
    /// keeps an empty range, visible at no knownAt, whichever batch saw it first.
    /// </summary>
    public static IEnumerable<TimelineRevision> Of(StatementHistory history)
    {
        foreach (var key in history.Timelines())
        {
            var timelineId = key.ToString();
            for (var index = history.ChangedFrom; index < history.States.Count; index++)
            {
                var state = history.States[index].Details;
                var onThisTimeline = Actor.SpeaksFor(state.Attribution, key);
                var entry = onThisTimeline ? TimelineEntry.From(state, key.TopicId) : null;
                if (entry is null)
                {
                    continue;
                }

                var from = history.States[index].KnownFrom;
                var until = history.KnownUntil(index);
                yield return new TimelineRevision($"{timelineId}|{history.Id}|{index}", timelineId, history.Id, index, from, until, entry);
            }
        }
    }
}

/// <summary>Stage 2 of the positions projection, beside the timelines: their bitemporal revisions.</summary>
public sealed partial class TimelineRevisionProjection : EventProjection
{
    public TimelineRevisionProjection()
    {
        Name = "TimelineRevision";
    }

    public void Project(IEvent<Updated<StatementHistory>> e, IDocumentOperations operations)
    {
        foreach (var revision in TimelineRevision.Of(e.Data.Entity))
        {
            operations.Store(revision);
        }
    }
}
