using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Threading.Channels;
using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using ClaimsLedger.Positions;
using ClaimsLedger.Statements;
using ClaimsLedger.Statements.AssessingStances;
using ClaimsLedger.Statements.Recording;
using ClaimsLedger.Tests.Feed;
using ClaimsLedger.Tests.Support;
using Npgsql;
using Shouldly;
using Xunit.Abstractions;

namespace ClaimsLedger.Tests.Faults;

/// <summary>
/// Three service processes on one schema, Wolverine spreading the async projections among them. The node running the
/// History projection is killed with SIGKILL while clients write through all three: the projection moves to a survivor
/// and catches up with no event lost or applied twice, nothing acknowledged is lost, and a dashboard's live feed on a
/// survivor keeps hearing position changes, which the projection's new node publishes.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class SeveralNodesTests(ITestOutputHelper output)
{
    private const int Nodes = 3;
    private const int Writers = 3;

    /// <summary>Failure detection in seconds rather than the production defaults' half minute (docs/scaling.md).</summary>
    private static readonly Dictionary<string, string> FastFailover = new()
    {
        ["Cluster:HealthCheckInterval"] = "00:00:01",
        ["Cluster:StaleNodeTimeout"] = "00:00:04",
        ["Cluster:AssignmentCheckInterval"] = "00:00:02",
    };

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly string _editor = ServiceProcess.Tokens.Mint("nodes-editor", [Roles.Recorder, Roles.Editor], TimeSpan.FromHours(1));
    private readonly string _reader = ServiceProcess.Tokens.Mint("nodes-reader", [Roles.Reader], TimeSpan.FromHours(1));

    [Fact]
    public async Task Killing_the_node_that_runs_the_projection_moves_it_to_a_survivor_with_no_gap_and_the_live_feed_keeps_working()
    {
        var totals = new FaultReport("SIGKILL of the node running the projections (3 nodes)", 0, 0, 0, 0, 0, 0, "");
        var failovers = new List<double>();
        for (var run = 0; run < FaultRuns.Count; run++)
        {
            var (attempted, acknowledged, failover) = await KillTheProjectionsNodeAsync();
            failovers.Add(failover.TotalSeconds);
            totals = totals with
            {
                Runs = totals.Runs + 1,
                Faults = totals.Faults + 1,
                Attempted = totals.Attempted + attempted,
                Acknowledged = totals.Acknowledged + acknowledged,
            };
        }

        await FaultRuns.ReportAsync(totals with
        {
            Detail = $"History reassigned after {string.Join(", ", failovers.Select(seconds => $"{seconds:0.0}"))} s " +
                     "(health check 1 s, stale after 4 s); the live feed heard on a survivor every time",
        });
    }

    /// <summary>One run: three nodes, writes, the projection's node killed; returns what was sent, acknowledged, and the failover time.</summary>
    private async Task<(int Attempted, int Acknowledged, TimeSpan Failover)> KillTheProjectionsNodeAsync()
    {
        var schema = FaultRuns.Schema("nodes");
        await ServiceProcess.SetUpAsync(AppFixture.ConnectionString, schema);
        var nodes = new List<ServiceProcess>();
        var clients = new List<HttpClient>();
        using var feedClient = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        using var stopFeed = new CancellationTokenSource();
        try
        {
            // One after another: two cores, and each node registers with Wolverine (its node number) in start order.
            for (var node = 0; node < Nodes; node++)
            {
                nodes.Add(await ServiceProcess.StartAsync(AppFixture.RuntimeConnectionString, schema, settings: FastFailover));
                clients.Add(new HttpClient { BaseAddress = nodes[^1].BaseAddress, Timeout = TimeSpan.FromSeconds(30) });
            }

            var numbers = await NodeNumbersAsync(schema);
            numbers.Count.ShouldBe(Nodes, "each node registers with Wolverine");
            var client = new ClientLedger($"nodes-{Guid.NewGuid():N}");
            await client.PrepareAsync(clients[0]);

            // Writers spread their statements round-robin over the nodes still alive.
            var dead = new bool[Nodes];
            using var load = new CancellationTokenSource();
            var writers = Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
            {
                for (var number = 0; !load.IsCancellationRequested; number++)
                {
                    var node = (writer + number) % Nodes;
                    if (!Volatile.Read(ref dead[node]))
                    {
                        await client.RecordNewAsync(clients[node], writer, number);
                    }
                }
            })).ToArray();
            await client.AcknowledgedAtLeastAsync(Writers * Nodes * 5);

            var owner = await WaitForAsync(async () => await HistoryNodeAsync(schema), "the leader assigns the History projection to a node");
            var killed = numbers.IndexOf(owner);
            var survivor = (killed + 1) % Nodes;
            var other = (killed + 2) % Nodes;
            output.WriteLine($"History runs on node {owner} (process {killed}); the feed is followed on process {survivor}");

            // A dashboard following the topic on a node that does not run the projection.
            var heard = Channel.CreateUnbounded<PositionChanged>();
            var feed = await OpenFeedAsync(feedClient, nodes[survivor].BaseAddress, client.TopicId, heard.Writer, stopFeed.Token);
            var first = await AssessedStatementAsync(clients[other], client, "2016-02-15", "preparing");
            // Should a change not be heard, the failure says where the projection was and how far it had got.
            async Task<string> WhereHistoryIsAsync()
            {
                var status = await new ProjectionsOverHttp(clients[survivor]).StatusAsync();
                var history = status.Projections.Single(view => view.Name == "History");
                return $"History assigned to node {await HistoryNodeAsync(schema)} at sequence {history.Sequence} (lag {history.Lag}); " +
                       $"the log's head {status.LastSequence}, high-water mark {status.HighWaterMark}, stalled {status.Stalled}; " +
                       $"the feed's stream {(feed.IsCompleted ? "had closed" : "was open")}";
            }

            (await NextAsync(heard, first, WhereHistoryIsAsync)).Stance.Key.ShouldBe("preparing", "a change published on another node reaches this node's feed");

            var headAtKill = (await new ProjectionsOverHttp(clients[survivor]).StatusAsync()).LastSequence;
            Volatile.Write(ref dead[killed], true);
            var clock = Stopwatch.StartNew();
            await nodes[killed].KillAsync();
            var newOwner = await WaitForAsync(async () => await HistoryNodeAsync(schema) is { } node && node != owner ? node : (int?)null,
                "the History projection is assigned to a surviving node");
            var failover = clock.Elapsed;
            output.WriteLine($"History reassigned to node {newOwner} after {failover.TotalSeconds:0.0} s");
            numbers.ShouldContain(newOwner);

            // The new node catches up past what the dead one had to do, while writes go on; then a stance assessed
            // now is announced by the projection's new node and heard on the survivor's feed.
            var projections = new ProjectionsOverHttp(clients[survivor]);
            await WaitForAsync(async () => (await projections.StatusAsync()).Projections.Single(view => view.Name == "History").Sequence >= headAtKill ? true : (bool?)null,
                "the History projection moves past the log's head at the kill");
            var afterKill = await AssessedStatementAsync(clients[survivor], client, "2016-03-01", "ruled-out");
            var change = await NextAsync(heard, afterKill, WhereHistoryIsAsync);
            (change.Previous?.Key, change.Stance.Key).ShouldBe(("preparing", "ruled-out"));
            var acknowledgedAfterKill = client.Acknowledged.Count;
            await client.AcknowledgedAtLeastAsync(acknowledgedAfterKill + Writers);
            load.Cancel();
            await Task.WhenAll(writers);
            await stopFeed.CancelAsync();
            await feed;

            var status = await projections.CaughtUpAsync();
            output.WriteLine($"caught up at {status.LastSequence}: {client.Acknowledged.Count} acknowledged, {client.Pending.Count} pending");

            var beforeRetry = await LedgerAudit.CompareAsync(client, AppFixture.ConnectionString, schema);
            beforeRetry.Lost.ShouldBe(0);
            beforeRetry.Duplicated.ShouldBe(0);
            await client.RetryPendingAsync(clients[survivor]);
            client.Pending.ShouldBeEmpty($"outcomes: {string.Join(", ", client.Outcomes)}");
            var after = await LedgerAudit.CompareAsync(client, AppFixture.ConnectionString, schema);
            after.ShouldBe(new LedgerComparison(client.Attempted, Lost: 0, Duplicated: 0, Recorded: client.Attempted, UnacknowledgedRecorded: 0));

            // Only the node running the projection rebuilds it: the other survivor refuses, naming that node.
            var runner = numbers.IndexOf(newOwner);
            var bystander = runner == survivor ? other : survivor;
            using (var refused = await RebuildAsync(clients[bystander], "History"))
            {
                refused.StatusCode.ShouldBe(HttpStatusCode.Conflict, await refused.Content.ReadAsStringAsync());
                (await refused.Content.ReadAsStringAsync()).ShouldContain($"node {newOwner}");
            }

            // No event skipped, none applied twice: the views equal a rebuild from the log.
            await new ProjectionsOverHttp(clients[runner]).ShouldEqualARebuildAsync(AppFixture.ConnectionString, schema);

            output.WriteLine($"{client.Attempted} sent, {beforeRetry.UnacknowledgedRecorded} committed unheard, failover {failover.TotalSeconds:0.0} s, " +
                             $"outcomes {string.Join(", ", client.Outcomes.Select(pair => $"{pair.Key}: {pair.Value}"))}");
            return (client.Attempted, after.Acknowledged, failover);
        }
        finally
        {
            await stopFeed.CancelAsync();
            foreach (var http in clients)
            {
                http.Dispose();
            }

            foreach (var node in nodes)
            {
                if (node.HasExited is false)
                {
                    output.WriteLine($"--- node on port {node.Port}:\n{Tail(node.Output)}");
                }

                await node.DisposeAsync();
            }
        }
    }

    /// <summary>Records a statement on the run's topic and assesses its stance; returns its id.</summary>
    private async Task<Guid> AssessedStatementAsync(HttpClient http, ClientLedger client, string statedAt, string stance)
    {
        var statement = new RecordStatement(client.SpeakerId, null, $"Run {client.Run}: {stance}", QuoteKind.Partial, statedAt, [client.TopicId],
            new SourceInput("i-HLS", "https://i-hls.com/archives/68094"));
        using var recorded = await SendAsync(http, HttpMethod.Post, "/api/statements", statement);
        recorded.StatusCode.ShouldBe(HttpStatusCode.Created, await recorded.Content.ReadAsStringAsync());
        var id = (await recorded.Content.ReadFromJsonAsync<Created>(ClientLedger.Json))!.Id;
        using var assessed = await SendAsync(http, HttpMethod.Post, $"/api/statements/{id}/stances", new AssessStance(client.TopicId, stance, null, 1));
        assessed.StatusCode.ShouldBe(HttpStatusCode.OK, await assessed.Content.ReadAsStringAsync());
        return id;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string url, object body)
    {
        using var request = new HttpRequestMessage(method, url) { Content = JsonContent.Create(body, body.GetType(), options: ClientLedger.Json) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _editor);
        return await http.SendAsync(request);
    }

    private static async Task<HttpResponseMessage> RebuildAsync(HttpClient http, string projection)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/projections/{projection}/rebuild");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ServiceProcess.Tokens.Mint("nodes-admin", [Roles.Admin], TimeSpan.FromMinutes(5)));
        return await http.SendAsync(request);
    }

    /// <summary>Subscribes to the topic's changes on one node, as the dashboard does; returns the task that reads them.</summary>
    private async Task<Task> OpenFeedAsync(HttpClient http, Uri node, Guid topicId, ChannelWriter<PositionChanged> heard, CancellationToken stop)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(node, $"/api/feed/positions?topicId={topicId}"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _reader);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop));
        return Task.Run(async () =>
        {
            using (response)
            using (reader)
            {
                try
                {
                    await foreach (var (type, data) in reader.EventsAsync(stop))
                    {
                        if (type == "position-changed")
                        {
                            await heard.WriteAsync(FeedSupport.Parse(data), stop);
                        }
                    }
                }
                catch (Exception exception) when (exception is OperationCanceledException or IOException or HttpRequestException)
                {
                    // The test is done with the feed.
                }
            }
        }, CancellationToken.None);
    }

    /// <summary>The feed's next change for this statement (others, from the load, cannot move a position: they carry no stance).</summary>
    private static async Task<PositionChanged> NextAsync(Channel<PositionChanged> heard, Guid statementId, Func<Task<string>> describe)
    {
        using var deadline = new CancellationTokenSource(Patience);
        try
        {
            while (true)
            {
                var change = await heard.Reader.ReadAsync(deadline.Token);
                if (change.StatementId == statementId)
                {
                    return change;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new ShouldAssertException($"The feed heard no change for statement {statementId} within {Patience}. {await describe()}.");
        }
    }

    /// <summary>Wolverine's node numbers in this schema, in the order the nodes registered.</summary>
    private static async Task<List<int>> NodeNumbersAsync(string schema)
    {
        await using var connection = new NpgsqlConnection(AppFixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select node_number from {schema}_messages.wolverine_nodes order by node_number", connection);
        var numbers = new List<int>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            numbers.Add(reader.GetInt32(0));
        }

        return numbers;
    }

    /// <summary>The node number the leader assigned the History projection's agent to, read from Wolverine's own tables.</summary>
    private static async Task<int?> HistoryNodeAsync(string schema)
    {
        await using var connection = new NpgsqlConnection(AppFixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"""
            select n.node_number from {schema}_messages.wolverine_node_assignments a
            join {schema}_messages.wolverine_nodes n on n.id = a.node_id
            where a.id like 'event-subscriptions://%' and lower(a.id) like '%/history/all%'
            """, connection);
        return await command.ExecuteScalarAsync() as int?;
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, string what)
        where T : struct
    {
        var deadline = DateTimeOffset.UtcNow + Patience;
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            await poll.WaitForNextTickAsync();
        }

        throw new TimeoutException($"Waited {Patience} for {what}.");
    }

    private static string Tail(string text) => text.Length > 4_000 ? text[^4_000..] : text;
}
