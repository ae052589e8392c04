using System.Net;
using ClaimsLedger.Tests.Support;
using Shouldly;
using Xunit.Abstractions;

namespace ClaimsLedger.Tests.Faults;

/// <summary>
/// PostgreSQL crashed (<c>pg_ctl stop -m immediate</c>) while clients write, then started again: while it is down
/// every write is refused with a 503 and Retry-After, never acknowledged and never left hanging; once it is back
/// the service recovers by itself, and no acknowledged statement is lost.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class DatabaseCrashTests(ITestOutputHelper output)
{
    private const int Writers = 4;

    /// <summary>Longer than the service's own limits (database timeouts, request time limit): a request still open then is hung.</summary>
    private static readonly TimeSpan ClientPatience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task While_the_database_is_down_writes_get_503_with_Retry_After_and_afterwards_nothing_acknowledged_is_lost()
    {
        var totals = new FaultReport("PostgreSQL crash (pg_ctl -m immediate)", 0, 0, 0, 0, 0, 0, "");
        var refusedWhileDown = 0;
        await using var cluster = await ThrowawayCluster.StartAsync("crash");
        // A careless cluster default, which acknowledges commits before their WAL leaves memory: the service's own
        // sessions must commit durably regardless (without that, this test lost acknowledged statements).
        await cluster.ConfigureAsync("synchronous_commit", "off");
        for (var run = 0; run < FaultRuns.Count; run++)
        {
            var seed = FaultRuns.Seed(run);
            output.WriteLine($"run {run}: seed {seed}");
            var random = new Random(seed);
            var schema = FaultRuns.Schema("crash");
            await ServiceProcess.SetUpAsync(cluster.OwnerConnection, schema);
            await using var service = await ServiceProcess.StartAsync(cluster.RuntimeConnection, schema);
            using var http = new HttpClient { BaseAddress = service.BaseAddress, Timeout = ClientPatience };
            var client = new ClientLedger($"crash-{run}-{seed}");
            await client.PrepareAsync(http);

            var databaseDown = false;
            var refusals = 0;
            string? WhileDown(HttpResponseMessage response, bool sentWhileDown)
            {
                if (!sentWhileDown || !Volatile.Read(ref databaseDown))
                {
                    return null;
                }

                if (response.IsSuccessStatusCode)
                {
                    return $"acknowledged with {(int)response.StatusCode} while the database was down";
                }

                if (response.StatusCode != HttpStatusCode.ServiceUnavailable || response.Headers.RetryAfter is null)
                {
                    return $"answered {(int)response.StatusCode} (Retry-After: {response.Headers.RetryAfter}) while the database was down";
                }

                if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                {
                    return $"a 503 without a ProblemDetails body ({response.Content.Headers.ContentType})";
                }

                Interlocked.Increment(ref refusals);
                return null;
            }

            using var load = new CancellationTokenSource();
            var writers = Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
            {
                for (var number = 0; !load.IsCancellationRequested; number++)
                {
                    var sentWhileDown = Volatile.Read(ref databaseDown);
                    await client.RecordNewAsync(http, writer, number, response => WhileDown(response, sentWhileDown));
                }
            })).ToArray();

            await client.AcknowledgedAtLeastAsync(client.Acknowledged.Count + Writers);
            await Task.Delay(random.Next(200, 2_000));
            await cluster.CrashAsync();
            Volatile.Write(ref databaseDown, true);
            var acknowledgedAtCrash = client.Acknowledged.Count;

            // Down long enough for every writer to be refused many times over.
            using (var enough = new CancellationTokenSource(TimeSpan.FromMinutes(2)))
            using (var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(50)))
            {
                while (Volatile.Read(ref refusals) < 50)
                {
                    await poll.WaitForNextTickAsync(enough.Token);
                }
            }

            Volatile.Write(ref databaseDown, false);
            await cluster.StartAgainAsync();

            // Recovery by itself: the same service process acknowledges writes again.
            await client.AcknowledgedAtLeastAsync(client.Acknowledged.Count + 20);
            await load.CancelAsync();
            await Task.WhenAll(writers);

            client.Violations.ShouldBeEmpty();
            client.Outcomes.Keys.ShouldNotContain(nameof(TaskCanceledException), "a request outlived the client's patience");
            output.WriteLine($"run {run}: {acknowledgedAtCrash} acknowledged before the crash, {refusals} refused while down, " +
                             $"outcomes {string.Join(", ", client.Outcomes.Select(pair => $"{pair.Key}: {pair.Value}"))}");

            var beforeRetry = await LedgerAudit.CompareAsync(client, cluster.OwnerConnection, schema);
            beforeRetry.Lost.ShouldBe(0);
            beforeRetry.Duplicated.ShouldBe(0);
            await client.RetryPendingAsync(http);
            client.Pending.ShouldBeEmpty();
            var after = await LedgerAudit.CompareAsync(client, cluster.OwnerConnection, schema);
            after.ShouldBe(new LedgerComparison(client.Attempted, Lost: 0, Duplicated: 0, Recorded: client.Attempted, UnacknowledgedRecorded: 0));

            // The projections were cut off mid-work too: they resume, and equal a rebuild.
            await new ProjectionsOverHttp(http).ShouldEqualARebuildAsync(cluster.OwnerConnection, schema);
            refusedWhileDown += refusals;
            totals = totals with
            {
                Runs = totals.Runs + 1,
                Faults = totals.Faults + 1,
                Attempted = totals.Attempted + client.Attempted,
                Acknowledged = totals.Acknowledged + after.Acknowledged,
            };
        }

        await FaultRuns.ReportAsync(totals with { Detail = $"{refusedWhileDown} writes refused with 503 + Retry-After while down, none acknowledged" });
    }
}
