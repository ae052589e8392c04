using System.Net.Http.Headers;
using System.Net.Http.Json;
using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Projections;
using ClaimsLedger.Projections.Rebuilding;
using ClaimsLedger.Tests.Support;
using Npgsql;
using Shouldly;

namespace ClaimsLedger.Tests.Faults;

/// <summary>What the database holds, against what a client was told.</summary>
/// <param name="Acknowledged">Statements the client holds a 201 for.</param>
/// <param name="Lost">Acknowledged statements the log does not hold.</param>
/// <param name="Duplicated">Extra recordings: a key recorded in more than one stream, or a stream recorded twice.</param>
/// <param name="Recorded">Statements of this run in the log.</param>
/// <param name="UnacknowledgedRecorded">Recorded, although the client never heard so (a retry will be answered from them).</param>
public sealed record LedgerComparison(int Acknowledged, int Lost, int Duplicated, int Recorded, int UnacknowledgedRecorded);

public static class LedgerAudit
{
    public static async Task<LedgerComparison> CompareAsync(ClientLedger client, string connection, string schema)
    {
        var recorded = new List<(Guid Stream, string Key)>();
        var recordingsPerStream = new Dictionary<Guid, int>();
        await using (var database = new NpgsqlConnection(connection))
        {
            await database.OpenAsync();
            await using var command = new NpgsqlCommand(
                $"""
                select e.stream_id, e.headers->>'idempotency-key',
                       (select count(*) from {schema}.mt_events again where again.stream_id = e.stream_id and again.type = 'statement_recorded')
                from {schema}.mt_events e
                where e.type = 'statement_recorded' and e.headers->>'idempotency-key' like @run
                """, database);
            command.Parameters.AddWithValue("run", $"{client.Run}/%");
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                recorded.Add((reader.GetGuid(0), reader.GetString(1)));
                recordingsPerStream[reader.GetGuid(0)] = (int)reader.GetInt64(2);
            }
        }

        var streamsByKey = recorded.GroupBy(row => row.Key).ToDictionary(group => group.Key, group => group.Select(row => row.Stream).ToList());
        var lost = client.Acknowledged.Count(acknowledged =>
            !streamsByKey.TryGetValue(acknowledged.Key, out var streams) || !streams.Contains(acknowledged.Value));
        var duplicated = streamsByKey.Values.Sum(streams => streams.Count - 1) + recordingsPerStream.Values.Sum(count => count - 1);
        var unacknowledged = streamsByKey.Keys.Count(key => !client.Acknowledged.ContainsKey(key));
        return new LedgerComparison(client.Acknowledged.Count, lost, duplicated, streamsByKey.Count, unacknowledged);
    }
}

/// <summary>The service's own projection status and rebuild endpoints, read over HTTP as an operator would.</summary>
public sealed class ProjectionsOverHttp(HttpClient http)
{
    private readonly string _admin = ServiceProcess.Tokens.Mint("fault-admin", [Roles.Admin, Roles.Reader], TimeSpan.FromHours(2));

    public async Task<ProjectionsStatus> StatusAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/projections");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _admin);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<ProjectionsStatus>(ClientLedger.Json))!;
    }

    /// <summary>Waits until every async view has applied every committed event and no rebuild is running.</summary>
    public async Task<ProjectionsStatus> CaughtUpAsync()
    {
        var deadline = DateTimeOffset.UtcNow + AppFixture.ProjectionCatchUp;
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        ProjectionsStatus status;
        do
        {
            status = await StatusAsync();
            if (status.HighWaterMark >= status.LastSequence
                && status.Projections.All(view => view.Sequence >= status.LastSequence && view.Rebuild is not { Running: true }))
            {
                return status;
            }
        }
        while (DateTimeOffset.UtcNow < deadline && await poll.WaitForNextTickAsync());

        throw new TimeoutException($"Projections did not catch up: {System.Text.Json.JsonSerializer.Serialize(status, ClientLedger.Json)}");
    }

    public async Task RebuildAllAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/projections/all/rebuild");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _admin);
        using var response = await http.SendAsync(request);
        ((int)response.StatusCode).ShouldBe(202, await response.Content.ReadAsStringAsync());
        var status = await CaughtUpAsync();
        status.Projections.Select(view => view.Rebuild?.Error).ShouldAllBe(error => error == null);
    }

    /// <summary>
    /// The views the running service built, against the views a rebuild from the log gives: a view that applied an
    /// event twice, or skipped one, differs.
    /// </summary>
    public async Task ShouldEqualARebuildAsync(string connection, string schema)
    {
        await CaughtUpAsync();
        var live = await Views.SnapshotAsync(schema, connection);
        await RebuildAllAsync();
        (await Views.SnapshotAsync(schema, connection)).ShouldMatch(live);
    }
}
