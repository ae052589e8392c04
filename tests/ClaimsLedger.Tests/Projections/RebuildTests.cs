using System.Text.Json;
using Alba;
using ClaimsLedger.Projections;
using ClaimsLedger.Statements;
using ClaimsLedger.Statements.AddingSources;
using ClaimsLedger.Statements.AssessingStances;
using ClaimsLedger.Statements.CorrectingAttribution;
using ClaimsLedger.Statements.CorrectingQuotes;
using ClaimsLedger.Statements.Recording;
using ClaimsLedger.Statements.Retracting;
using ClaimsLedger.Statements.Withdrawing;
using ClaimsLedger.Tests.Support;
using CsCheck;
using JasperFx.Events.Daemon;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;

namespace ClaimsLedger.Tests.Projections;

/// <summary>Every view rebuilt from the log equals the view the live service built, whatever the history.</summary>
[Collection(ReplayCollection.Name)]
public sealed class RebuildTests(ReplayFixture fixture) : HostContext(fixture)
{
    /// <summary>One step of a generated history; indexes pick among what exists at that point.</summary>
    public abstract record HistoryStep;

    public sealed record Record(int Speaker, int Topic, int Day) : HistoryStep;

    public sealed record Assess(int Statement, int Topic, int Rung) : HistoryStep;

    public sealed record Correct(int Statement) : HistoryStep;

    public sealed record Reattribute(int Statement, int Speaker) : HistoryStep;

    public sealed record Retract(int Statement, int Day) : HistoryStep;

    public sealed record Withdraw(int Statement) : HistoryStep;

    public sealed record Report(int Statement) : HistoryStep;

    /// <summary>Let the daemon catch up here, so live runs see the history in different batch shapes.</summary>
    public sealed record CatchUp : HistoryStep;

    private static readonly Gen<HistoryStep> Steps = Gen.Frequency(
        (6, Gen.Select(Gen.Int[0, 3], Gen.Int[0, 1], Gen.Int[1, 28], (speaker, topic, day) => (HistoryStep)new Record(speaker, topic, day))),
        (6, Gen.Select(Gen.Int[0, 99], Gen.Int[0, 1], Gen.Int[0, 5], (statement, topic, rung) => (HistoryStep)new Assess(statement, topic, rung))),
        (2, Gen.Int[0, 99].Select(statement => (HistoryStep)new Correct(statement))),
        (2, Gen.Select(Gen.Int[0, 99], Gen.Int[0, 3], (statement, speaker) => (HistoryStep)new Reattribute(statement, speaker))),
        (1, Gen.Select(Gen.Int[0, 99], Gen.Int[1, 28], (statement, day) => (HistoryStep)new Retract(statement, day))),
        (1, Gen.Int[0, 99].Select(statement => (HistoryStep)new Withdraw(statement))),
        (1, Gen.Int[0, 99].Select(statement => (HistoryStep)new Report(statement))),
        (2, Gen.Const((HistoryStep)new CatchUp())));

    [Fact]
    public async Task Rebuilding_every_projection_from_a_random_history_gives_exactly_the_live_views()
    {
        await Steps.Array[15, 40].SampleAsync(async history =>
        {
            await PlayAsync(history);
            await Given.ProjectionsCaughtUpAsync();
            var live = await Views.SnapshotAsync(Store);

            await RebuildAllAsync();

            (await Views.SnapshotAsync(Store)).ShouldMatch(live);
        }, iter: 4, threads: 1, seed: Environment.GetEnvironmentVariable("CLAIMSLEDGER_CHECK_SEED"));
    }

    [Fact]
    public async Task Replaying_every_projection_offline_from_a_random_history_gives_exactly_the_live_views()
    {
        // Offline (`rebuild` on a stopped service, an import), the statement streams are replayed in one pass and
        // bulk-written: the documents must be the very ones the live daemon wrote, versions included.
        await Steps.Array[15, 40].SampleAsync(async history =>
        {
            await PlayAsync(history);
            await Given.ProjectionsCaughtUpAsync();
            var live = await Views.SnapshotAsync(Store);

            await RebuildAllOfflineAsync();

            (await Views.SnapshotAsync(Store)).ShouldMatch(live);
        }, iter: 4, threads: 1, seed: Environment.GetEnvironmentVariable("CLAIMSLEDGER_CHECK_SEED"));
    }

    [Fact]
    public async Task A_rebuild_while_statements_are_being_recorded_loses_nothing()
    {
        var cook = await Given.SpeakerAsync("Peter Cook", await Given.OrganizationAsync());
        var libya = await Given.TopicAsync();
        for (var i = 0; i < 20; i++)
        {
            await Given.AssessedStatementAsync(cook, libya, $"before {i}", $"2016-01-{i + 1:00}", "assessing");
        }

        await Given.ProjectionsCaughtUpAsync();
        var started = await Host.Scenario(s =>
        {
            s.WithBearerToken(Admin);
            s.Post.Url("/api/projections/all/rebuild");
            s.StatusCodeShouldBe(202);
        });
        // Three writers at once, so appends commit out of sequence order while the rebuild reads.
        var during = new System.Collections.Concurrent.ConcurrentBag<Guid>();
        await Task.WhenAll(Enumerable.Range(0, 3).Select(async writer =>
        {
            for (var i = 0; i < 10; i++)
            {
                during.Add(await Given.AssessedStatementAsync(cook, libya, $"during {writer}/{i}", $"2016-02-{i + 1:00}", "preparing"));
            }
        }));

        await WaitForRebuildsAsync();
        await Given.ProjectionsCaughtUpAsync();

        var timeline = await Host.GetJsonAsync<ClaimsLedger.Positions.GettingTimelines.PositionTimelineView>(
            $"/api/positions/speakers/{cook}/topics/{libya}", Reader);
        timeline.Entries.Count.ShouldBe(50);
        timeline.Entries.Select(entry => entry.StatedAt).ShouldBeInOrder();
        foreach (var id in during)
        {
            (await Given.StatementDetailsAsync(id)).Stances.Single().Stance.ShouldBe("preparing");
        }

        var live = await Views.SnapshotAsync(Store);
        await RebuildAllAsync();
        (await Views.SnapshotAsync(Store)).ShouldMatch(live);
        (await started.ReadAsTextAsync()).ShouldContain("\"statusUrl\":\"/api/projections\"");
    }

    [Fact]
    public async Task Projection_status_shows_each_views_progress_and_its_last_rebuild()
    {
        await Given.SpeakerAsync("Peter Cook", await Given.OrganizationAsync());
        await Given.ProjectionsCaughtUpAsync();
        await RebuildAllAsync();

        var status = await Host.GetJsonAsync<ProjectionsStatus>("/api/projections", Reader);

        status.HighWaterMark.ShouldBe(status.LastSequence);
        status.Projections.Select(projection => projection.Name).ShouldBe(
            ["OrganizationDetails", "SpeakerDetails", "TopicDetails", "StatementDetails", "ArticleReview", "ArticleSummary", "RatingScaleDetails", "ClaimHistory", "ShiftReviewDetails", "History"], ignoreOrder: true);
        status.Projections.Single(projection => projection.Name == "History").Lifecycle.ShouldBe("async");
        status.Projections.ShouldAllBe(projection => projection.Lag == 0 && projection.Rebuild!.Error == null && !projection.Rebuild.Running);
    }

    [Fact]
    public async Task Rebuilding_an_unknown_projection_is_a_404_that_lists_the_known_ones()
    {
        var problem = await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Admin);
            s.Post.Url("/api/projections/NoSuchView/rebuild");
        }, 404, null);

        (problem.GetProperty("detail").GetString() ?? "").ShouldContain("StatementDetails");
    }

    /// <summary>As `rebuild all` runs on a stopped service: History's agent is stopped first and started again after.</summary>
    private async Task RebuildAllOfflineAsync()
    {
        var rebuilds = Host.Services.GetRequiredService<ProjectionRebuilds>();
        var daemon = await Host.Services.GetRequiredService<ProjectionPlacement>().LocalDaemonAsync();
        // A format hole cannot start with global:: (its colon opens a format string).
        const string history = global::ClaimsLedger.Statements.Configuration.HistoryProjection;
        var shard = $"{history}:All";
        await daemon.StopAgentAsync(shard);
        var head = await EventCountAsync() == 0 ? 0 : (await Host.GetJsonAsync<ProjectionsStatus>("/api/projections", Reader)).LastSequence;
        foreach (var result in await rebuilds.RunOfflineAsync(rebuilds.Names(), head, _ => Task.FromResult(daemon)))
        {
            result.Error.ShouldBeNull(result.Projection);
        }

        await daemon.StartAgentAsync(shard, CancellationToken.None);
    }

    private async Task RebuildAllAsync()
    {
        var rebuilds = Host.Services.GetRequiredService<ProjectionRebuilds>();
        var daemon = await Host.Services.GetRequiredService<ProjectionPlacement>().LocalDaemonAsync();
        foreach (var name in rebuilds.Names())
        {
            var result = await rebuilds.RunAsync(new RebuildState(name, DateTimeOffset.UtcNow, 0, null, null, null, null), _ => Task.FromResult(daemon));
            result.Error.ShouldBeNull(name);
        }
    }

    private async Task WaitForRebuildsAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var status = await Host.GetJsonAsync<ProjectionsStatus>("/api/projections", Reader);
            if (status.Projections.All(projection => projection.Rebuild is { Running: false }))
            {
                status.Projections.ShouldAllBe(projection => projection.Rebuild!.Error == null);
                return;
            }

            // Polling the public status endpoint, as an operator's tool would.
            await Task.Delay(100, timeout.Token);
        }
    }

    private async Task PlayAsync(HistoryStep[] history)
    {
        var organizations = new[] { await Given.OrganizationAsync(), await Given.OrganizationAsync("U.S. Department of State") };
        var speakers = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            speakers.Add(await Given.SpeakerAsync($"Speaker {i}", organizations[i % 2], "spokesperson", "2015"));
        }

        var topics = new[] { await Given.TopicAsync("Libya"), await Given.TopicAsync("Syria") };
        var statements = new List<Guid>();
        foreach (var step in history)
        {
            if (step is Record record)
            {
                statements.Add(await Given.CreateAsync("/api/statements",
                    new RecordStatement(speakers[record.Speaker], null, $"quote {statements.Count}", QuoteKind.Partial, $"2016-01-{record.Day:00}",
                        [topics[record.Topic]], new SourceInput("i-HLS", $"https://i-hls.com/archives/{statements.Count}")), "recorder"));
                continue;
            }

            if (step is CatchUp)
            {
                await Given.ProjectionsCaughtUpAsync();
                continue;
            }

            if (statements.Count == 0)
            {
                continue;
            }

            var (index, change) = step switch
            {
                Assess assess => (assess.Statement, (object)new AssessStance(topics[assess.Topic], Scenarios.MilitaryActionLadder[assess.Rung].Key, null, 0)),
                Correct correct => (correct.Statement, new CorrectQuote($"corrected {Guid.NewGuid():N}", null, "generated", 0)),
                Reattribute move => (move.Statement, new CorrectAttribution(speakers[move.Speaker], null, "generated", 0)),
                Retract retract => (retract.Statement, new RetractStatement($"2016-02-{retract.Day:00}", null, null, 0)),
                Withdraw withdraw => (withdraw.Statement, new WithdrawStatement("generated", 0)),
                Report report => (report.Statement, new AddSource(new SourceInput("DW", $"https://www.dw.com/{Guid.NewGuid():N}"), 0)),
                _ => throw new InvalidOperationException(step.ToString()),
            };
            var id = statements[index % statements.Count];
            var current = await Given.StatementDetailsAsync(id);
            if (current.Status == StatementStatus.Withdrawn)
            {
                continue;
            }

            var url = change switch
            {
                AssessStance => "stances",
                CorrectQuote => "quote-corrections",
                CorrectAttribution => "attribution-corrections",
                RetractStatement => "retraction",
                WithdrawStatement => "withdrawal",
                _ => "sources",
            };
            var body = JsonSerializer.SerializeToNode(change, change.GetType(), Json.Options)!.AsObject();
            body["expectedVersion"] = current.Version;
            await Given.ChangeAsync($"/api/statements/{id}/{url}", body, "editor");
        }
    }
}
