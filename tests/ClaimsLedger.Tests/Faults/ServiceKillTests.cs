using ClaimsLedger.Tests.Support;
using Npgsql;
using Shouldly;
using Xunit.Abstractions;

namespace ClaimsLedger.Tests.Faults;

/// <summary>
/// The service killed with SIGKILL while clients write, then started again: nothing it acknowledged is lost, nothing
/// a client sent twice is recorded twice, and the views it was building when it died equal a rebuild from the log.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class ServiceKillTests(ITestOutputHelper output)
{
    private const int Writers = 4;
    private const int KillsPerRun = 3;

    [Fact]
    public async Task Killed_under_write_load_and_restarted_it_loses_no_acknowledged_statement_and_records_no_retry_twice()
    {
        var totals = new FaultReport("SIGKILL under write load", 0, 0, 0, 0, 0, 0, "");
        var (cutOff, committedUnheard) = (0, 0);
        for (var run = 0; run < FaultRuns.Count; run++)
        {
            var seed = FaultRuns.Seed(run);
            output.WriteLine($"run {run}: seed {seed}");
            var random = new Random(seed);
            var schema = FaultRuns.Schema("kill");
            await ServiceProcess.SetUpAsync(AppFixture.ConnectionString, schema);

            var service = await ServiceProcess.StartAsync(AppFixture.RuntimeConnectionString, schema);
            try
            {
                using var http = new HttpClient { BaseAddress = service.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
                var client = new ClientLedger($"kill-{run}-{seed}");
                await client.PrepareAsync(http);

                for (var kill = 0; kill < KillsPerRun; kill++)
                {
                    using var load = new CancellationTokenSource();
                    var writers = Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
                    {
                        // Each writer's request in flight at the kill is cut off; it sends no more to a dead service.
                        for (var number = kill * 1_000_000; !load.IsCancellationRequested; number++)
                        {
                            if (await client.RecordNewAsync(http, writer, number) == Sent.Unanswered)
                            {
                                break;
                            }
                        }
                    })).ToArray();

                    // A random point of the load once writes flow again (a restarted service compiles its
                    // handlers on first use): requests are in flight and the daemon is mid-way through them.
                    await client.AcknowledgedAtLeastAsync(client.Acknowledged.Count + Writers);
                    await Task.Delay(random.Next(200, 2_000));
                    await service.KillAsync();
                    load.Cancel();
                    await Task.WhenAll(writers);
                    output.WriteLine($"kill {kill}: {client.Acknowledged.Count} acknowledged, {client.Pending.Count} pending");

                    service = await ServiceProcess.StartAsync(AppFixture.RuntimeConnectionString, schema, service.Port);
                }

                var beforeRetry = await LedgerAudit.CompareAsync(client, AppFixture.ConnectionString, schema);
                beforeRetry.Lost.ShouldBe(0, service.Output);
                beforeRetry.Duplicated.ShouldBe(0);

                // Whatever the client never heard back about, it sends again with the same key: recorded once in all.
                await client.RetryPendingAsync(http);
                client.Pending.ShouldBeEmpty($"outcomes: {string.Join(", ", client.Outcomes)}");

                var after = await LedgerAudit.CompareAsync(client, AppFixture.ConnectionString, schema);
                after.ShouldBe(new LedgerComparison(client.Attempted, Lost: 0, Duplicated: 0, Recorded: client.Attempted, UnacknowledgedRecorded: 0));
                output.WriteLine($"run {run}: {client.Attempted} sent, {beforeRetry.UnacknowledgedRecorded} committed unheard, " +
                                 $"outcomes {string.Join(", ", client.Outcomes.Select(pair => $"{pair.Key}: {pair.Value}"))}");

                await new ProjectionsOverHttp(http).ShouldEqualARebuildAsync(AppFixture.ConnectionString, schema);
                cutOff += client.Outcomes.Where(outcome => !char.IsDigit(outcome.Key[0])).Sum(outcome => outcome.Value);
                committedUnheard += beforeRetry.UnacknowledgedRecorded;
                totals = totals with
                {
                    Runs = totals.Runs + 1,
                    Faults = totals.Faults + KillsPerRun,
                    Attempted = totals.Attempted + client.Attempted,
                    Acknowledged = totals.Acknowledged + after.Acknowledged,
                };
            }
            finally
            {
                await service.DisposeAsync();
            }
        }

        await FaultRuns.ReportAsync(totals with
        {
            Detail = $"{cutOff} requests cut off by a kill, {committedUnheard} of them committed unheard; all retried with their keys, each recorded once",
        });
    }

    [Fact]
    public async Task A_projection_killed_part_way_through_a_replay_resumes_without_applying_any_event_twice()
    {
        var schema = FaultRuns.Schema("replay");
        await ServiceProcess.SetUpAsync(AppFixture.ConnectionString, schema);
        // Pages far smaller than the log, so that a kill can land between two of them.
        var smallPages = new Dictionary<string, string> { ["Projections__HistoryBatchSize"] = "100" };
        var service = await ServiceProcess.StartAsync(AppFixture.RuntimeConnectionString, schema, settings: smallPages);
        try
        {
            using var http = new HttpClient { BaseAddress = service.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
            var client = new ClientLedger($"replay-{Guid.NewGuid():N}");
            await client.PrepareAsync(http);
            await Task.WhenAll(Enumerable.Range(0, 8).Select(writer => Task.Run(async () =>
            {
                for (var number = 0; number < 150; number++)
                {
                    (await client.RecordNewAsync(http, writer, number)).ShouldBe(Sent.Acknowledged);
                }
            })));

            var projections = new ProjectionsOverHttp(http);
            await projections.CaughtUpAsync();
            var live = await Views.SnapshotAsync(schema, AppFixture.ConnectionString);

            // Kill the service while the history projection is part-way through replaying the log: some batches
            // committed, the one in flight cut off.
            var killedAt = 0L;
            for (var attempt = 0; attempt < 10 && killedAt == 0; attempt++)
            {
                var head = (await projections.StatusAsync()).LastSequence;
                using var rebuild = new HttpRequestMessage(HttpMethod.Post, "/api/projections/History/rebuild");
                rebuild.Headers.Authorization = new("Bearer", ServiceProcess.Tokens.Mint("fault-admin", ["admin"], TimeSpan.FromMinutes(5)));
                (await http.SendAsync(rebuild)).EnsureSuccessStatusCode();
                killedAt = await KillPartWayAsync(service, schema, head);
                service = await ServiceProcess.StartAsync(AppFixture.RuntimeConnectionString, schema, service.Port, smallPages);
            }

            killedAt.ShouldBeGreaterThan(0, "the replay was never caught part-way");
            output.WriteLine($"killed with the history projection at sequence {killedAt}");
            await projections.CaughtUpAsync();
            (await Views.SnapshotAsync(schema, AppFixture.ConnectionString)).ShouldMatch(live);
        }
        finally
        {
            await service.DisposeAsync();
        }
    }

    /// <summary>Watches the projection's progress row and kills the service once it is strictly inside the log.</summary>
    private static async Task<long> KillPartWayAsync(ServiceProcess service, string schema, long head)
    {
        await using var connection = new NpgsqlConnection(AppFixture.ConnectionString);
        await connection.OpenAsync();
        await using var progress = new NpgsqlCommand($"select last_seq_id from {schema}.mt_event_progression where name = 'History:All'", connection);
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        var sawStart = false;
        while (DateTimeOffset.UtcNow < deadline)
        {
            var sequence = await progress.ExecuteScalarAsync() as long? ?? 0;
            sawStart |= sequence < head;
            if (sawStart && sequence > 0 && sequence < head)
            {
                await service.KillAsync();
                return sequence;
            }

            if (sawStart && sequence >= head)
            {
                break;
            }
        }

        await service.KillAsync();
        return 0;
    }
}
