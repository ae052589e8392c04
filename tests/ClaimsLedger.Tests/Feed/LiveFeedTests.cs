using System.IO.Pipelines;
using ClaimsLedger.Feed;
using ClaimsLedger.Feed.FollowingPositions;
using ClaimsLedger.Infrastructure;
using ClaimsLedger.Positions;
using ClaimsLedger.Positions.GettingTimelines;
using Microsoft.AspNetCore.Http;
using Shouldly;

namespace ClaimsLedger.Tests.Feed;

/// <summary>The broadcaster and the event stream on their own: filters, slow readers, the cap, heartbeats, the end.</summary>
public sealed class LiveFeedTests
{
    private static readonly Guid Cook = Guid.NewGuid();
    private static readonly Guid Pentagon = Guid.NewGuid();
    private static readonly Guid Libya = Guid.NewGuid();

    private static PositionChanged Change(ActorKind kind, Guid actor, Guid topic, string stance = "preparing") =>
        new(new ActorRef(kind, actor, "someone"), topic, "a topic", null, new StanceView(stance, stance, 3), Guid.NewGuid(), StatedTime.OfDay(2016, 2, 10),
            null, DateTimeOffset.UnixEpoch, "/api/positions/...");

    private static LiveFeed Feed(int max = 200, int buffer = 256, TimeSpan? heartbeat = null) =>
        new(new LiveFeedOptions { MaxSubscribers = max, BufferPerSubscriber = buffer, Heartbeat = heartbeat ?? TimeSpan.FromSeconds(15) });

    [Fact]
    public void Filters_follow_a_speaker_an_organization_either_or_a_topic_and_nothing_follows_everything()
    {
        var cookOnLibya = Change(ActorKind.Speaker, Cook, Libya);
        var pentagonOnLibya = Change(ActorKind.Organization, Pentagon, Libya);
        var cookElsewhere = Change(ActorKind.Speaker, Cook, Guid.NewGuid());
        var changes = new[] { cookOnLibya, pentagonOnLibya, cookElsewhere };

        changes.Where(new FeedFilter().Matches).ShouldBe(changes);
        changes.Where(new FeedFilter(SpeakerId: Cook).Matches).ShouldBe([cookOnLibya, cookElsewhere]);
        changes.Where(new FeedFilter(OrganizationId: Pentagon).Matches).ShouldBe([pentagonOnLibya]);
        changes.Where(new FeedFilter(SpeakerId: Cook, OrganizationId: Pentagon).Matches).ShouldBe(changes);
        changes.Where(new FeedFilter(TopicId: Libya).Matches).ShouldBe([cookOnLibya, pentagonOnLibya]);
        changes.Where(new FeedFilter(SpeakerId: Cook, TopicId: Libya).Matches).ShouldBe([cookOnLibya]);
        changes.Where(new FeedFilter(SpeakerId: Pentagon).Matches).ShouldBeEmpty("an organization's id is not a speaker's");
    }

    [Fact]
    public void A_slow_subscriber_loses_its_oldest_changes_and_never_holds_up_the_publisher_or_the_others()
    {
        var feed = Feed(buffer: 2);
        feed.TrySubscribe(new FeedFilter(), out var slow).ShouldBeTrue();
        feed.TrySubscribe(new FeedFilter(), out var keen).ShouldBeTrue();
        var changes = Enumerable.Range(0, 5).Select(_ => Change(ActorKind.Speaker, Cook, Libya)).ToList();

        var received = new List<PositionChanged>();
        foreach (var change in changes)
        {
            feed.Publish(change);
            keen.Reader.TryRead(out var read).ShouldBeTrue();
            received.Add(read);
        }

        received.ShouldBe(changes);
        slow.Reader.TryRead(out var oldestKept).ShouldBeTrue();
        slow.Reader.TryRead(out var newest).ShouldBeTrue();
        (oldestKept, newest).ShouldBe((changes[3], changes[4]));
        slow.Dropped.ShouldBe(3);
        keen.Dropped.ShouldBe(0);
    }

    [Fact]
    public void The_feed_takes_so_many_subscribers_frees_a_place_when_one_leaves_and_ends_them_all_when_closed()
    {
        var feed = Feed(max: 2);
        feed.TrySubscribe(new FeedFilter(), out var first).ShouldBeTrue();
        feed.TrySubscribe(new FeedFilter(), out var second).ShouldBeTrue();
        feed.TrySubscribe(new FeedFilter(), out _).ShouldBeFalse();

        first.Dispose();
        feed.TrySubscribe(new FeedFilter(), out var third).ShouldBeTrue();
        feed.Close();

        second.Reader.Completion.IsCompleted.ShouldBeTrue();
        third.Reader.Completion.IsCompleted.ShouldBeTrue();
        feed.TrySubscribe(new FeedFilter(), out _).ShouldBeFalse();
        feed.Count.ShouldBe(0);
    }

    [Fact]
    public async Task A_quiet_stream_sends_heartbeat_comments_events_as_they_come_and_ends_when_the_client_leaves()
    {
        var feed = Feed(heartbeat: TimeSpan.FromMilliseconds(50));
        var pipe = new Pipe();
        using var leave = new CancellationTokenSource();
        var http = new DefaultHttpContext { RequestAborted = leave.Token };
        http.Response.Body = pipe.Writer.AsStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var reader = new StreamReader(pipe.Reader.AsStream());
        var events = reader.EventsAsync(timeout.Token).GetAsyncEnumerator(timeout.Token);

        var streaming = new PositionFeedEvents(feed, new FeedFilter(SpeakerId: Cook)).ExecuteAsync(http);

        (await events.MoveNextAsync()).ShouldBeTrue();
        events.Current.ShouldBe(("comment", "following position changes"));
        (http.Response.StatusCode, http.Response.ContentType).ShouldBe((200, "text/event-stream"));
        (await events.MoveNextAsync()).ShouldBeTrue();
        events.Current.ShouldBe(("comment", "heartbeat"));

        var change = Change(ActorKind.Speaker, Cook, Libya);
        feed.Publish(Change(ActorKind.Speaker, Guid.NewGuid(), Libya));
        feed.Publish(change);
        do
        {
            (await events.MoveNextAsync()).ShouldBeTrue();
        }
        while (events.Current.Event == "comment");

        events.Current.Event.ShouldBe("position-changed");
        FeedSupport.Parse(events.Current.Data).ShouldBe(change);

        await leave.CancelAsync();
        await streaming.WaitAsync(timeout.Token);
        feed.Count.ShouldBe(0);
        await events.DisposeAsync();
    }

    [Fact]
    public async Task A_stream_ends_when_the_service_stops()
    {
        var feed = Feed();
        var http = new DefaultHttpContext();
        http.Response.Body = Stream.Null;
        var streaming = new PositionFeedEvents(feed, new FeedFilter()).ExecuteAsync(http);
        while (feed.Count == 0)
        {
            await Task.Yield();
        }

        feed.Close();

        await streaming.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
