using ClaimsLedger.Positions;

namespace ClaimsLedger.Feed;

/// <summary>
/// Consumes <see cref="PositionChanged"/> from its local queue on the node that runs the History projection
/// (sequential, so changes go out in the order they were committed) and fans it out to every node's live feed
/// through PostgreSQL (<see cref="FeedFanOut"/>); each node's <see cref="FeedListener"/> hands it to its subscribers.
/// </summary>
public static class PositionChangedHandler
{
    public static Task Handle(PositionChanged change, FeedFanOut fanOut, CancellationToken cancellation) =>
        fanOut.NotifyAsync(change, cancellation);
}
