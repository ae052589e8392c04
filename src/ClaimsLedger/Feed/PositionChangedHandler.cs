using ClaimsLedger.Positions;

namespace ClaimsLedger.Feed;

/// <summary>
/// Consumes <see cref="PositionChanged"/> from its local queue (sequential, so subscribers see changes in the order
/// they were committed) and hands it to the live feed, which never blocks.
/// </summary>
public static class PositionChangedHandler
{
    public static void Handle(PositionChanged change, LiveFeed feed) => feed.Publish(change);
}
