using System.Collections.Immutable;
using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;
using ClaimsLedger.Positions;

namespace ClaimsLedger.Feed;

/// <summary>How the live feed serves its subscribers (configuration section <c>LiveFeed</c>).</summary>
public sealed class LiveFeedOptions
{
    public const string Section = "LiveFeed";

    /// <summary>Subscribers served at once; one more is refused with 503.</summary>
    [Range(1, 100_000)]
    public int MaxSubscribers { get; set; } = 200;

    /// <summary>Messages kept for a subscriber that reads slower than they come; past that, its oldest are dropped.</summary>
    [Range(1, 100_000)]
    public int BufferPerSubscriber { get; set; } = 256;

    /// <summary>How long a quiet stream waits before a heartbeat comment, so proxies and clients know it is alive.</summary>
    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>
/// Which position changes a subscriber follows. Actor filters name whom (a speaker, an organization, or either
/// of the two given); the topic filter narrows to one topic. No filter follows everything.
/// </summary>
public sealed record FeedFilter(Guid? SpeakerId = null, Guid? OrganizationId = null, Guid? TopicId = null)
{
    public bool Matches(PositionChanged change)
    {
        var anyActor = SpeakerId is null && OrganizationId is null;
        var actor = anyActor
                    || (change.Actor.Kind == ActorKind.Speaker && change.Actor.Id == SpeakerId)
                    || (change.Actor.Kind == ActorKind.Organization && change.Actor.Id == OrganizationId);
        return actor && (TopicId is null || change.TopicId == TopicId);
    }
}

/// <summary>
/// The in-process broadcaster behind <c>GET /api/feed/positions</c>: each subscriber gets a bounded channel of its
/// own. Publishing never waits: a subscriber whose channel is full loses its oldest message, so one slow client can
/// neither hold up the message handler nor the other clients. At most <see cref="LiveFeedOptions.MaxSubscribers"/>
/// subscribe at once. Closing (when the service stops) ends every subscription, so open streams end too.
/// </summary>
public sealed class LiveFeed(LiveFeedOptions options)
{
    private readonly Lock _lock = new();
    private ImmutableArray<FeedSubscription> _subscribers = [];
    private bool _closed;

    public LiveFeedOptions Options { get; } = options;

    /// <summary>Subscribers now.</summary>
    public int Count => _subscribers.Length;

    /// <summary>Subscribes, unless the feed is full or closed.</summary>
    public bool TrySubscribe(FeedFilter filter, [NotNullWhen(true)] out FeedSubscription? subscription)
    {
        lock (_lock)
        {
            if (_closed || _subscribers.Length >= Options.MaxSubscribers)
            {
                subscription = null;
                return false;
            }

            subscription = new FeedSubscription(this, filter, Options.BufferPerSubscriber);
            _subscribers = _subscribers.Add(subscription);
            return true;
        }
    }

    /// <summary>Offers the change to every subscriber that follows it; returns at once whatever they do.</summary>
    public void Publish(PositionChanged change)
    {
        foreach (var subscriber in _subscribers)
        {
            if (subscriber.Filter.Matches(change))
            {
                subscriber.Offer(change);
            }
        }
    }

    /// <summary>Ends every subscription and refuses new ones.</summary>
    public void Close()
    {
        ImmutableArray<FeedSubscription> ending;
        lock (_lock)
        {
            _closed = true;
            ending = _subscribers;
            _subscribers = [];
        }

        foreach (var subscriber in ending)
        {
            subscriber.Complete();
        }
    }

    internal void Remove(FeedSubscription subscription)
    {
        lock (_lock)
        {
            _subscribers = _subscribers.Remove(subscription);
        }
    }
}

/// <summary>One subscriber's messages, oldest first. Dispose it to unsubscribe.</summary>
public sealed class FeedSubscription : IDisposable
{
    private readonly LiveFeed _feed;
    private readonly Channel<PositionChanged> _channel;
    private long _dropped;

    internal FeedSubscription(LiveFeed feed, FeedFilter filter, int capacity)
    {
        _feed = feed;
        Filter = filter;
        _channel = Channel.CreateBounded<PositionChanged>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = false },
            _ => Interlocked.Increment(ref _dropped));
    }

    public FeedFilter Filter { get; }

    public ChannelReader<PositionChanged> Reader => _channel.Reader;

    /// <summary>Messages this subscriber lost for reading too slowly.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    internal void Offer(PositionChanged change) => _channel.Writer.TryWrite(change);

    internal void Complete() => _channel.Writer.TryComplete();

    public void Dispose()
    {
        _feed.Remove(this);
        Complete();
    }
}
