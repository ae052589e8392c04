using ClaimsLedger.Infrastructure;
using ClaimsLedger.Positions.GettingTimelines;
using ClaimsLedger.Topics.GettingDetails;

namespace ClaimsLedger.Positions;

/// <summary>
/// An actor's position on a topic changed: the stance of its latest standing statement (in stated order, retracted
/// ones skipped) is another rung than it was. Published by the positions projection once the change is committed;
/// the live feed (<c>GET /api/feed/positions</c>) hands it to the dashboards that follow the actor or the topic.
/// </summary>
/// <param name="Actor">Whose position: a speaker, or an organization through its people's roles.</param>
/// <param name="TopicId">The topic.</param>
/// <param name="TopicTitle">The topic's title.</param>
/// <param name="Previous">Where the actor stood before; null for a first position on the topic.</param>
/// <param name="Stance">Where the actor stands now (key, label and rung).</param>
/// <param name="StatementId">The statement the new position is read from.</param>
/// <param name="StatedAt">When that statement was said.</param>
/// <param name="Rating">The Flip rating of the move from <paramref name="Previous"/>; null for a first position.</param>
/// <param name="RecordedAt">When the change that moved the position was recorded.</param>
/// <param name="Timeline">The timeline to read the whole story from.</param>
public sealed record PositionChanged(
    ActorRef Actor,
    Guid TopicId,
    string TopicTitle,
    StanceView? Previous,
    StanceView Stance,
    Guid StatementId,
    StatedTime StatedAt,
    FlipRating? Rating,
    DateTimeOffset RecordedAt,
    string Timeline)
{
    /// <summary>
    /// The change between a timeline's entries before and after some statements moved on it, if its position changed: a
    /// first position, or another rung. A new current statement on the same rung, or a timeline left with no standing
    /// statement, is no change of position. The rating is the timeline's own rating of the shift into the new current
    /// statement when that shift starts from the previous position; otherwise (the previous current statement was
    /// retracted, withdrawn or re-assessed) the Flip rule applied to the two rungs alone.
    /// </summary>
    public static PositionChanged? Between(
        ActorRef actor, IReadOnlyList<TimelineEntry> before, IReadOnlyList<TimelineEntry> after, TopicDetails topic, DateTimeOffset recordedAt)
    {
        var now = PositionTimelineView.Of(actor, topic, after);
        if (now.Current is not { } current)
        {
            return null;
        }

        var was = before.Count == 0 ? null : PositionTimelineView.Of(actor, topic, before).Current;
        if (was is not null && was.Stance.Key == current.Stance.Key)
        {
            return null;
        }

        FlipRating? rating = null;
        if (was is not null)
        {
            var into = now.Shifts.LastOrDefault(shift => shift.ToStatementId == current.StatementId);
            rating = into is not null && into.From.Key == was.Stance.Key
                ? into.Rating
                : FlipRule.Rate(was.Stance.Rank, current.Stance.Rank, 0, topic.Ladder.Span);
        }

        var kind = actor.Kind == ActorKind.Speaker ? "speakers" : "organizations";
        return new PositionChanged(actor, topic.Id, topic.Title, was?.Stance, current.Stance, current.StatementId, current.StatedAt, rating, recordedAt,
            $"/api/positions/{kind}/{actor.Id}/topics/{topic.Id}");
    }
}
