using ClaimsLedger.Infrastructure;
using ClaimsLedger.Projections;
using ClaimsLedger.Statements;
using ClaimsLedger.Tests.Support;
using Marten;
using Marten.Events;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;

namespace ClaimsLedger.Tests.Projections;

/// <summary>
/// A log longer than one page of the StatementDetails rebuild (<see cref="global::ClaimsLedger.Statements.Configuration.RebuildBatchSize"/>
/// events, as many as a page of the History composite), whose follow-ups land pages after the statements they follow:
/// the aggregates kept between pages give the same views as the live daemon.
/// </summary>
[Collection(ReplayCollection.Name)]
public sealed class LargeRebuildTests(ReplayFixture fixture) : HostContext(fixture)
{
    [Fact]
    public async Task A_rebuild_across_many_pages_with_follow_ups_on_later_pages_gives_exactly_the_live_views()
    {
        var speaker = await Given.SpeakerAsync("Peter Cook", await Given.OrganizationAsync());
        var topic = await Given.TopicAsync();
        var attribution = new Attribution(speaker, "Peter Cook", null, null, null, null);
        var statements = Enumerable.Range(0, global::ClaimsLedger.Statements.Configuration.RebuildBatchSize * 13 / 25).Select(_ => Guid.CreateVersion7()).ToList();
        string[] stances = ["ruled-out", "assessing", "considering-options", "preparing", "committed", "acting"];

        // Every statement first, then every assessment: an assessment comes thousands of events after its statement,
        // and the later ones on the second page.
        foreach (var chunk in statements.Chunk(500))
        {
            await using var session = Store.LightweightSession();
            foreach (var id in chunk)
            {
                session.Events.StartStream<Statement>(id, new StatementRecorded(id, attribution, $"quote {id}", QuoteKind.Partial,
                    StatedTime.OfDay(2016, 1 + (id.GetHashCode() & 0x7fffffff) % 12, 1), [topic], new Source("i-HLS", $"https://i-hls.com/{id}", null, null, null, null, null, null)));
            }

            await session.SaveChangesAsync();
        }

        foreach (var chunk in statements.Chunk(500))
        {
            await using var session = Store.LightweightSession();
            foreach (var (id, index) in chunk.Select((id, index) => (id, index)))
            {
                // With the version it will have, as the service's handlers append (so the inline view knows it).
                session.Events.Append(id, 2, new StanceAssessed(id, topic, stances[index % stances.Length], null));
            }

            await session.SaveChangesAsync();
        }

        // Thousands of events: more time than the fixture's usual wait when the suite runs on a busy machine.
        await Store.WaitForNonStaleProjectionDataAsync(TimeSpan.FromMinutes(5));
        var live = await Views.SnapshotAsync(Store);

        var rebuilds = Host.Services.GetRequiredService<ProjectionRebuilds>();
        var daemon = await Host.Services.GetRequiredService<ProjectionPlacement>().LocalDaemonAsync();
        foreach (var name in rebuilds.Names())
        {
            var result = await rebuilds.RunAsync(new RebuildState(name, DateTimeOffset.UtcNow, 0, null, null, null, null), _ => Task.FromResult(daemon));
            result.Error.ShouldBeNull(name);
        }

        await Store.WaitForNonStaleProjectionDataAsync(TimeSpan.FromMinutes(5));
        (await Views.SnapshotAsync(Store)).ShouldMatch(live);
    }
}
