using System.Net;
using System.Text.Json;
using Alba;
using ClaimsLedger.Feed;
using ClaimsLedger.Positions;
using ClaimsLedger.Statements.Retracting;
using ClaimsLedger.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;

namespace ClaimsLedger.Tests.Feed;

/// <summary>
/// Position changes travel from the committed log, through the positions projection and Wolverine's outbox, to the
/// live feed and its server-sent events.
/// </summary>
public sealed class PositionFeedTests(AppFixture fixture) : ApiContext(fixture)
{
    private LiveFeed Feed => Host.Services.GetRequiredService<LiveFeed>();

    private FeedSubscription Subscribe(FeedFilter filter)
    {
        Feed.TrySubscribe(filter, out var subscription).ShouldBeTrue();
        return subscription;
    }

    [Fact]
    public async Task Each_change_of_position_reaches_the_subscribers_who_follow_it_and_nothing_else_does()
    {
        var pentagon = await Given.OrganizationAsync();
        var cook = await Given.SpeakerAsync("Peter Cook", pentagon);
        var libya = await Given.TopicAsync();
        using var cooks = Subscribe(new FeedFilter(SpeakerId: cook));
        using var pentagonOnLibya = Subscribe(new FeedFilter(OrganizationId: pentagon, TopicId: libya));
        using var elsewhere = Subscribe(new FeedFilter(SpeakerId: cook, TopicId: Guid.NewGuid()));

        var january = await Given.AssessedStatementAsync(cook, libya, "looking at military options", "2016-01-27", "considering-options");
        await Given.ProjectionsCaughtUpAsync();
        var first = await cooks.NextAsync();

        first.Actor.ShouldBe(new ActorRef(ActorKind.Speaker, cook, "Peter Cook"));
        (first.TopicId, first.TopicTitle, first.Previous, first.Stance.Key, first.Stance.Label, first.Rating)
            .ShouldBe((libya, "U.S. military action against ISIS in Libya", null, "considering-options", "Considering options", null));
        (first.StatementId, first.StatedAt.ToString()).ShouldBe((january, "2016-01-27"));
        first.RecordedAt.ShouldBe((await Given.StatementDetailsAsync(january)).Stances.Single().AssessedAt, "recorded when the assessment that moved it was");
        first.Timeline.ShouldBe($"/api/positions/speakers/{cook}/topics/{libya}");
        var organizations = await pentagonOnLibya.NextAsync();
        (organizations.Actor.Kind, organizations.Actor.Id, organizations.StatementId).ShouldBe((ActorKind.Organization, pentagon, january));

        var february = await Given.AssessedStatementAsync(cook, libya, "we are preparing", "2016-02-10", "preparing");
        await Given.ProjectionsCaughtUpAsync();
        var second = await cooks.NextAsync();
        (second.Previous!.Key, second.Stance.Key, second.Rating, second.StatementId).ShouldBe(("considering-options", "preparing", FlipRating.HalfFlip, february));

        // Said earlier (recorded late), and said again on the same rung: the current position does not move.
        await Given.AssessedStatementAsync(cook, libya, "not on the table", "2015-12-20", "ruled-out");
        var march = await Given.AssessedStatementAsync(cook, libya, "still preparing", "2016-03-01", "preparing");
        var april = await Given.AssessedStatementAsync(cook, libya, "we are acting", "2016-04-01", "acting");
        await Given.ProjectionsCaughtUpAsync();
        var third = await cooks.NextAsync();
        (third.Previous!.Key, third.Stance.Key, third.Rating, third.StatementId).ShouldBe(("preparing", "acting", FlipRating.HalfFlip, april),
            "changes reach subscribers in commit order, and the late and same-rung statements moved nothing");

        // Walking April back puts the position back on March's rung.
        await Given.ChangeAsync($"/api/statements/{april}/retraction", new RetractStatement("2016-04-02", null, null, 2), "editor");
        await Given.ProjectionsCaughtUpAsync();
        var fourth = await cooks.NextAsync();
        (fourth.Previous!.Key, fourth.Stance.Key, fourth.Rating, fourth.StatementId).ShouldBe(("acting", "preparing", FlipRating.HalfFlip, march));

        elsewhere.Reader.TryRead(out _).ShouldBeFalse("it follows Cook on another topic");
        cooks.Dropped.ShouldBe(0);
    }

    [Fact]
    public async Task Moves_the_daemon_takes_together_are_each_announced_in_the_order_they_were_recorded()
    {
        var cook = await Given.SpeakerAsync("Peter Cook", await Given.OrganizationAsync());
        var libya = await Given.TopicAsync();
        using var cooks = Subscribe(new FeedFilter(SpeakerId: cook));

        // No waiting in between: the daemon may take these in one batch or several; the announcements are the same.
        var january = await Given.AssessedStatementAsync(cook, libya, "looking at military options", "2016-01-27", "considering-options");
        var february = await Given.AssessedStatementAsync(cook, libya, "we are preparing", "2016-02-10", "preparing");
        var march = await Given.AssessedStatementAsync(cook, libya, "not going to happen", "2016-03-15", "ruled-out");
        await Given.ProjectionsCaughtUpAsync();

        var moves = new[] { await cooks.NextAsync(), await cooks.NextAsync(), await cooks.NextAsync() };
        moves.Select(move => (move.Previous?.Key, move.Stance.Key, move.Rating, move.StatementId)).ShouldBe(
        [
            (null, "considering-options", null, january),
            ("considering-options", "preparing", FlipRating.HalfFlip, february),
            ("preparing", "ruled-out", FlipRating.FullFlop, march),
        ]);
        moves.Select(move => move.RecordedAt).ShouldBeInOrder();
    }

    [Fact]
    public async Task The_feed_endpoint_streams_each_change_as_a_position_changed_event_with_json_data_and_lets_go_when_the_client_leaves()
    {
        var pentagon = await Given.OrganizationAsync();
        var cook = await Given.SpeakerAsync("Peter Cook", pentagon);
        var libya = await Given.TopicAsync();
        var subscribersBefore = Feed.Count;
        using var timeout = new CancellationTokenSource(FeedSupport.Patience);

        using (var response = await FeedSupport.OpenAsync(Host, $"/api/feed/positions?speakerId={cook}&topicId={libya}", Reader, timeout.Token))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
            response.Headers.CacheControl!.NoCache.ShouldBeTrue();
            Feed.Count.ShouldBe(subscribersBefore + 1, "subscribed by the time the headers arrive");

            var statement = await Given.AssessedStatementAsync(cook, libya, "looking at military options", "2016-01-27", "considering-options");
            await Given.ProjectionsCaughtUpAsync();

            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
            var events = reader.EventsAsync(timeout.Token).GetAsyncEnumerator(timeout.Token);
            (await events.MoveNextAsync()).ShouldBeTrue();
            events.Current.ShouldBe(("comment", "following position changes"));
            (await events.MoveNextAsync()).ShouldBeTrue();
            events.Current.Event.ShouldBe("position-changed");
            var data = JsonDocument.Parse(events.Current.Data).RootElement;
            data.GetProperty("actor").GetProperty("kind").GetString().ShouldBe("speaker");
            data.GetProperty("stance").GetProperty("key").GetString().ShouldBe("considering-options");
            data.GetProperty("statedAt").GetString().ShouldBe("2016-01-27");
            data.GetProperty("previous").ValueKind.ShouldBe(JsonValueKind.Null);
            FeedSupport.Parse(events.Current.Data).StatementId.ShouldBe(statement);
            await events.DisposeAsync();
        }

        // The client hung up: the server's stream ends and its subscription with it.
        while (Feed.Count > subscribersBefore)
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    [Fact]
    public async Task The_feed_is_a_406_to_a_client_that_does_not_ask_for_an_event_stream()
    {
        var problem = await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Reader);
            s.Get.Url("/api/feed/positions");
        }, 406, "Accept");

        problem.GetProperty("title").GetString().ShouldBe("This endpoint streams server-sent events.");
    }

    [Fact]
    public async Task Past_the_subscriber_limit_the_feed_is_a_503_with_retry_after()
    {
        var taken = new List<FeedSubscription>();
        try
        {
            while (Feed.TrySubscribe(new FeedFilter(), out var subscription))
            {
                taken.Add(subscription);
            }

            Feed.Count.ShouldBe(200);
            using var timeout = new CancellationTokenSource(FeedSupport.Patience);
            using var response = await FeedSupport.OpenAsync(Host, "/api/feed/positions", Reader, timeout.Token);

            response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            response.Headers.RetryAfter.ShouldNotBeNull();
            (await response.Content.ReadAsStringAsync(timeout.Token)).ShouldContain("at most 200 subscribers");
        }
        finally
        {
            taken.ForEach(subscription => subscription.Dispose());
        }

        Feed.Count.ShouldBe(0);
    }

    [Fact]
    public async Task The_feed_needs_a_reader()
    {
        var subscribers = Host.Services.GetRequiredService<LiveFeed>().Count;

        await Host.Scenario(s =>
        {
            s.WithBearerToken(Fixture.TokenFor());
            s.Get.Url("/api/feed/positions");
            s.WithRequestHeader("Accept", "text/event-stream");
            s.StatusCodeShouldBe(403);
        });

        Host.Services.GetRequiredService<LiveFeed>().Count.ShouldBe(subscribers);
    }
}
