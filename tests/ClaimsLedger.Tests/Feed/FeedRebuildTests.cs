using ClaimsLedger.Feed;
using ClaimsLedger.Projections;
using ClaimsLedger.Tests.Support;
using JasperFx.Events.Daemon;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;

namespace ClaimsLedger.Tests.Feed;

/// <summary>A rebuild replays the whole log into the timelines, and must not announce old changes again.</summary>
/// <remarks>
/// On the shared API host, where the feed's other tests run: on a freshly started host under CI load the
/// first announcements never came (twice in clean-clone runs, never locally) - the cause is still open.
/// </remarks>
public sealed class FeedRebuildTests(AppFixture fixture) : ApiContext(fixture)
{
    [Fact]
    public async Task Rebuilding_the_positions_projection_publishes_no_old_changes()
    {
        var pentagon = await Given.OrganizationAsync();
        var cook = await Given.SpeakerAsync("Peter Cook", pentagon);
        var libya = await Given.TopicAsync();
        // A daemon still catching up (this host has just started) announces nothing by design: side effects
        // run only in continuous mode. Let it reach the log's head before positions start to move.
        await Given.ProjectionsCaughtUpAsync();
        Host.Services.GetRequiredService<LiveFeed>().TrySubscribe(new FeedFilter(SpeakerId: cook), out var subscription).ShouldBeTrue();
        using var cooks = subscription;
        var january = await Given.AssessedStatementAsync(cook, libya, "looking at military options", "2016-01-27", "considering-options");
        var february = await Given.AssessedStatementAsync(cook, libya, "we are preparing", "2016-02-10", "preparing");
        await Given.ProjectionsCaughtUpAsync();
        var live = new List<Guid> { (await cooks.NextAsync()).StatementId };
        if (live[0] == january)
        {
            // The daemon may have taken both statements in one batch, or one at a time.
            live.Add((await cooks.NextAsync()).StatementId);
        }

        live[^1].ShouldBe(february);

        var rebuilds = Host.Services.GetRequiredService<ProjectionRebuilds>();
        var daemon = await Host.Services.GetRequiredService<ProjectionPlacement>().LocalDaemonAsync();
        var rebuilt = await rebuilds.RunAsync(new RebuildState("History", DateTimeOffset.UtcNow, 0, null, null, null, null), _ => Task.FromResult(daemon));
        rebuilt.Error.ShouldBeNull();
        await Given.ProjectionsCaughtUpAsync();

        // A new change after the rebuild is announced, and it is the first thing the subscriber hears since.
        var march = await Given.AssessedStatementAsync(cook, libya, "not going to happen", "2016-03-15", "ruled-out");
        await Given.ProjectionsCaughtUpAsync();
        var next = await cooks.NextAsync();
        (next.StatementId, next.Previous!.Key, next.Stance.Key).ShouldBe((march, "preparing", "ruled-out"),
            "had the rebuild republished the old changes, they would have come first");
    }
}
