using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ClaimsLedger.Bench.Harness;
using ClaimsLedger.Infrastructure.Auth;
using Npgsql;
using NpgsqlTypes;

namespace ClaimsLedger.Bench.Figures;

/// <summary>
/// Figure 1: recording single statements over HTTP with 1 and 8 concurrent clients. Ours: the service as a
/// process (`dotnet ClaimsLedger.dll`, runtime role, rate limits off), a closed-loop .NET driver posting
/// RecordStatement. Floor: as many Npgsql connections, each committing one transaction that inserts one
/// stream row and one event row into tables of the same shape as Marten's (copied from the set-up schema:
/// same columns, types, defaults, indexes and foreign key), with synchronous_commit on as the service has it.
/// </summary>
internal sealed class RecordingOverHttp : Figure
{
    private const string Schema = "bench_http";
    private const string FloorSchema = "bench_floor";
    private static readonly int[] ClientCounts = [1, 8];
    private const string Headers = """{"user-id": "bench"}""";

    private BenchSettings _settings = null!;
    private ServiceProcess? _service;
    private HttpClient? _http;
    private NpgsqlDataSource? _owner;
    private Guid _speaker;
    private Guid _topic;
    private string _payload = "{}";
    private readonly List<string> _notes = [];

    public override string Number => "1";

    public override string Title => "Recording single statements over HTTP";

    public override string Description => string.Create(CultureInfo.InvariantCulture,
        $"Ours: `POST /api/statements` (RecordStatement, one `StatementRecorded` event starting a new stream) against the service started as a process from the Release publish (`dotnet src/ClaimsLedger/bin/Release/app/ClaimsLedger.dll` (published as ops/run does: Release, ReadyToRun) after `setup`, as the runtime role, `RateLimits__Enabled=false`), by a closed-loop .NET driver in the harness process with 1 and 8 concurrent clients, each posting its next statement as soon as the last one is answered; one unmeasured pass of every load (ours and floor, at 1 and 8 clients) after set-up, so that run 1 measures the service warm as the later runs do; then in each run {_settings?.Warmup.TotalSeconds:N0} s of warm-up, then {_settings?.Duration.TotalSeconds:N0} s measured. Events/s counts 201 answers completed in the measured window; latency is from send to the whole answer read, every request kept (exact percentiles). ") +
        "Floor: the same number of Npgsql connections, each committing, in a loop for the same time, one transaction (one round trip) that inserts one `mt_streams` row and one `mt_events` row " +
        "(the JSON payload of a `StatementRecorded` the service wrote) into tables created `LIKE` Marten's own with every default, index and the foreign key; `synchronous_commit = on`, as the service's sessions use. " +
        "Goals (issue 9): events/s ratio ≥ 0.5 at 1 client and ≥ 0.35 at 8, p99 ≤ 50 ms. The latency rows show the floor's own latency next to ours for scale.";

    public override IEnumerable<string> Notes => _notes;

    public override async Task SetUpAsync(BenchSettings settings, CancellationToken cancellation)
    {
        _settings = settings;
        var app = settings.AppDirectory;
        await ServiceProcess.SetUpAsync(app, settings.OwnerConnection, Schema, cancellation);
        _service = await ServiceProcess.StartAsync(app, settings.AppConnection, Schema, cancellation);
        var tokens = new DevTokens(new AuthOptions { SigningKey = ServiceProcess.SigningKey }, TimeProvider.System);
        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64, PooledConnectionLifetime = TimeSpan.FromHours(1) })
        {
            BaseAddress = _service.BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.Mint("bench", [Roles.Recorder, Roles.Editor], TimeSpan.FromHours(4)));

        _speaker = await CreateAsync("/api/speakers", new { name = "Peter Cook", kind = "person" }, cancellation);
        _topic = await CreateAsync("/api/topics", new
        {
            title = "U.S. military action against ISIS in Libya",
            description = (string?)null,
            ladder = new[] { new { key = "ruled-out", label = "Ruled out" }, new { key = "considering", label = "Considering" }, new { key = "acting", label = "Acting" } },
        }, cancellation);

        _owner = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(settings.OwnerConnection) { MaxPoolSize = 64 }.ConnectionString);
        await using var connection = await _owner.OpenConnectionAsync(cancellation);
        await using var create = new NpgsqlCommand($"""
            drop schema if exists {FloorSchema} cascade;
            create schema {FloorSchema};
            create table {FloorSchema}.mt_streams (like {Schema}.mt_streams including all);
            create table {FloorSchema}.mt_events (like {Schema}.mt_events including all);
            alter table {FloorSchema}.mt_events add constraint fkey_floor_events_stream_id
                foreign key (stream_id) references {FloorSchema}.mt_streams(id) on delete cascade;
            create sequence {FloorSchema}.mt_events_sequence;
            """, connection);
        await create.ExecuteNonQueryAsync(cancellation);

        // One recording outside any measurement gives the floor the very payload the service writes.
        await RecordAsync(0, -1, cancellation);
        await using var sample = new NpgsqlCommand($"select data::text from {Schema}.mt_events where type = 'statement_recorded' order by seq_id desc limit 1", connection);
        _payload = (string?)await sample.ExecuteScalarAsync(cancellation) ?? throw new InvalidOperationException("The service recorded no statement_recorded event.");
        _notes.Add(string.Create(CultureInfo.InvariantCulture, $"Payload of one event: {Encoding.UTF8.GetByteCount(_payload):N0} bytes of JSON (floor and ours alike)."));

        // One unmeasured pass of every load, ours and floor, as figure 4 does. The service's first load runs on its
        // ReadyToRun code while the tiered JIT recompiles what turned hot (0.45-0.9 of a core for
        // about 8 s after it, sampled per thread), so run 1 recorded 130-180 statements/s at 1 client where later runs
        // record 240-390/s: the figure is the service at work, not the service warming up.
        foreach (var clients in ClientCounts)
        {
            await LoadDriver.RunAsync(clients, settings.Warmup, settings.Duration,
                (client, sequence, token) => RecordAsync(9_000 + client, sequence, token), cancellation);
            await QuietDatabase.WaitForDaemonAsync(_owner, Schema, TimeSpan.FromMinutes(5), cancellation);
            await FloorAsync(clients, cancellation);
        }
    }

    public override async Task<IReadOnlyList<Sample>> RunOnceAsync(int run, bool floorFirst, CancellationToken cancellation)
    {
        var samples = new List<Sample>();
        foreach (var clients in ClientCounts)
        {
            LoadResult ours;
            LoadResult floor;
            if (floorFirst)
            {
                floor = await FloorAsync(clients, cancellation);
                ours = await OursAsync(clients, run, cancellation);
            }
            else
            {
                ours = await OursAsync(clients, run, cancellation);
                floor = await FloorAsync(clients, cancellation);
            }

            var label = clients == 1 ? "1 client" : $"{clients} clients";
            samples.Add(new Sample($"{label}: events/s", "/s", ours.PerSecond, floor.PerSecond, Goal.RatioAtLeast(clients == 1 ? 0.5 : 0.35)));
            samples.Add(new Sample($"{label}: p50 latency", "ms", ours.P50, floor.P50));
            samples.Add(new Sample($"{label}: p99 latency", "ms", ours.P99, floor.P99, Goal.OursAtMost(50, "ms")));
        }

        return samples;
    }

    private async Task<LoadResult> OursAsync(int clients, int run, CancellationToken cancellation)
    {
        var before = await CountAsync($"{Schema}.mt_events", cancellation);
        var result = await LoadDriver.RunAsync(clients, _settings.Warmup, _settings.Duration,
            (client, sequence, token) => RecordAsync(run * 100 + client, sequence, token), cancellation);
        var appended = await CountAsync($"{Schema}.mt_events", cancellation) - before;
        // The service's async views and subscriptions are still working through what the load recorded: the next
        // load (the floor, or the next figure's) must not run beside that catch-up.
        var catchUp = await QuietDatabase.WaitForDaemonAsync(_owner!, Schema, TimeSpan.FromMinutes(5), cancellation);
        _notes.Add(string.Create(CultureInfo.InvariantCulture,
            $"Run {run}, {clients} client(s), ours: {result.Issued:N0} requests in all (warm-up included), {appended:N0} events appended (one per 201), {result.Failed:N0} failed in the window{(result.FirstFailure is null ? "" : $" (first: {result.FirstFailure})")}; the service's async views and subscriptions finished with them {catchUp.TotalSeconds:N1} s after the load ended, before the next load started."));
        return result;
    }

    private async Task<LoadResult> FloorAsync(int clients, CancellationToken cancellation)
    {
        var connections = new NpgsqlConnection[clients];
        for (var i = 0; i < clients; i++)
        {
            connections[i] = await _owner!.OpenConnectionAsync(cancellation);
            await using var set = new NpgsqlCommand("set synchronous_commit = on", connections[i]);
            await set.ExecuteNonQueryAsync(cancellation);
        }

        try
        {
            return await LoadDriver.RunAsync(clients, _settings.Warmup, _settings.Duration, async (client, _, token) =>
            {
                var stream = Guid.CreateVersion7();
                var now = DateTime.UtcNow;
                await using var batch = new NpgsqlBatch(connections[client]);
                var streams = new NpgsqlBatchCommand(
                    $"insert into {FloorSchema}.mt_streams (id, type, version, timestamp, created, tenant_id, is_archived) values ($1, 'statement', 1, $2, $2, '*DEFAULT*', false)");
                streams.Parameters.Add(new NpgsqlParameter { Value = stream, NpgsqlDbType = NpgsqlDbType.Uuid });
                streams.Parameters.Add(new NpgsqlParameter { Value = now, NpgsqlDbType = NpgsqlDbType.TimestampTz });
                var events = new NpgsqlBatchCommand(
                    $"""
                    insert into {FloorSchema}.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, headers, is_archived)
                    values (nextval('{FloorSchema}.mt_events_sequence'), $1, $2, 1, $3, 'statement_recorded', $4, '*DEFAULT*',
                            'ClaimsLedger.Statements.StatementRecorded, ClaimsLedger', $5, false)
                    """);
                events.Parameters.Add(new NpgsqlParameter { Value = Guid.CreateVersion7(), NpgsqlDbType = NpgsqlDbType.Uuid });
                events.Parameters.Add(new NpgsqlParameter { Value = stream, NpgsqlDbType = NpgsqlDbType.Uuid });
                events.Parameters.Add(new NpgsqlParameter { Value = _payload, NpgsqlDbType = NpgsqlDbType.Jsonb });
                events.Parameters.Add(new NpgsqlParameter { Value = now, NpgsqlDbType = NpgsqlDbType.TimestampTz });
                events.Parameters.Add(new NpgsqlParameter { Value = Headers, NpgsqlDbType = NpgsqlDbType.Jsonb });
                batch.BatchCommands.Add(streams);
                batch.BatchCommands.Add(events);
                // No explicit transaction: a batch is one implicit transaction, one round trip, one commit.
                await batch.ExecuteNonQueryAsync(token);
                return null;
            }, cancellation);
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private async Task<string?> RecordAsync(int client, long sequence, CancellationToken cancellation)
    {
        // Deterministic bodies: the quote and the stated day follow from (client, sequence).
        var day = new DateOnly(2016, 1, 1).AddDays((int)((client * 7919L + sequence * 104729L) % 366 + 366) % 366);
        var body = new
        {
            speakerId = _speaker,
            quote = string.Create(CultureInfo.InvariantCulture, $"We are assessing options in Libya, statement {client}-{sequence}."),
            kind = "partial",
            statedAt = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            topicIds = new[] { _topic },
            source = new { outlet = "i-HLS", url = string.Create(CultureInfo.InvariantCulture, $"https://i-hls.com/bench/{client}/{sequence}") },
        };
        using var response = await _http!.PostAsJsonAsync(new Uri("/api/statements", UriKind.Relative), body, cancellation);
        var text = await response.Content.ReadAsStringAsync(cancellation);
        return response.StatusCode == HttpStatusCode.Created ? null : $"{(int)response.StatusCode}: {text[..Math.Min(text.Length, 300)]}";
    }

    private async Task<Guid> CreateAsync(string url, object body, CancellationToken cancellation)
    {
        using var response = await _http!.PostAsJsonAsync(new Uri(url, UriKind.Relative), body, cancellation);
        var text = await response.Content.ReadAsStringAsync(cancellation);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"POST {url} answered {(int)response.StatusCode}: {text}\n{_service!.Output}");
        }

        using var json = JsonDocument.Parse(text);
        return json.RootElement.GetProperty("id").GetGuid();
    }

    private async Task<long> CountAsync(string table, CancellationToken cancellation)
    {
        await using var connection = await _owner!.OpenConnectionAsync(cancellation);
        await using var count = new NpgsqlCommand($"select count(*) from {table}", connection);
        return (long)(await count.ExecuteScalarAsync(cancellation))!;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _http?.Dispose();
        if (_service is not null)
        {
            await _service.DisposeAsync();
        }

        if (_owner is not null)
        {
            await _owner.DisposeAsync();
        }
    }
}
