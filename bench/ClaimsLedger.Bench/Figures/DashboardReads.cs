using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ClaimsLedger.Bench.Harness;
using ClaimsLedger.Infrastructure;
using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Positions;
using ClaimsLedger.Positions.ReviewingShifts;
using ClaimsLedger.Search.SearchingStatements;
using Microsoft.Extensions.Configuration;
using Npgsql;
using NpgsqlTypes;

namespace ClaimsLedger.Bench.Figures;

/// <summary>
/// Figure 4: the dashboard's two heaviest reads at a fixed 200 requests/s, open loop, against the service as a
/// process: a position timeline of 100 points, and the first page of a quote search that matches hundreds of
/// statements. Floor: the same rows read by plain Npgsql at the same rate and schedule, one round trip each (the
/// timeline's three documents and its entries in one batch; the search's very SQL), so the ratio is what HTTP, auth, Wolverine,
/// Marten and JSON add to the database's own work.
/// </summary>
internal sealed class DashboardReads : Figure
{
    private const string Schema = "bench_reads";
    private const double Rate = 200;
    private const int TimelinePoints = 100;
    private const string SearchQuery = "military options Libya";
    private const int SearchPage = 25;
    /// <summary>Maximum Pool Size of the service's connection string and of the floor's data source.</summary>
    private const int PoolSize = 24;

    private static readonly string[] Ladder = ["ruled-out", "assessing", "considering-options", "preparing", "committed", "acting"];

    private static readonly string[] Words =
    [
        "we", "are", "looking", "at", "the", "situation", "closely", "with", "our", "partners", "and", "allies", "coalition", "forces",
        "remain", "ready", "to", "act", "against", "ISIS", "threat", "region", "government", "national", "accord", "support", "training",
        "advisers", "on", "ground", "airstrikes", "not", "ruled", "out", "any", "decision", "president", "secretary", "defense",
        "department", "counterterrorism", "operations", "intelligence", "surveillance", "reconnaissance", "growing", "presence",
        "Sirte", "Tripoli", "Benghazi", "fighters", "oil", "infrastructure", "militias", "stability", "security", "concern", "future",
    ];

    private BenchSettings _settings = null!;
    private ServiceProcess? _service;
    private HttpClient? _http;
    private NpgsqlDataSource? _database;
    private Guid _speaker;
    private Guid _topic;
    private TimelineKey _timeline;
    private string _searchSql = "";
    private int _statements;
    private readonly List<string> _notes = [];
    private TimeSpan _autovacuumWait;

    public override string Number => "4";

    public override string Title => "Dashboard reads at a fixed 200 requests/s";

    private TimeSpan Warmup => TimeSpan.FromSeconds(_settings?.Quick == true ? 1 : 2);

    private TimeSpan Window => TimeSpan.FromSeconds(_settings?.Quick == true ? 2 : 5);

    public override string Description => string.Create(CultureInfo.InvariantCulture,
        $"Ours: against the service started as a process from the ReadyToRun Release publish (as figure 1: `setup`, runtime role, Production, `RateLimits__Enabled=false`), seeded through its API from the harness seed with one speaker whose position timeline on one topic has {TimelinePoints} assessed statements, and {_statements:N0} statements in all (quotes drawn from a fixed vocabulary, about 30% of them saying \"military options in Libya\"); the runs start once the service's async views and subscriptions have worked through the whole seed, the schema has been vacuumed and analyzed (as autovacuum soon would), and one unmeasured pass of every load below, ours and floor, has run at the full rate (so run 1 runs the same optimised code as the others); each load starts when no autovacuum worker is busy. ") +
        $"Each read is driven open loop at a fixed {Rate:N0} requests/s by the harness process: request n is sent at start + n/{Rate:N0} s whether or not earlier ones have answered, and its latency runs from that scheduled time to the whole answer read, so a stall delays every request scheduled behind it and counts (no coordinated omission); {Warmup.TotalSeconds:N0} s of warm-up, then {Window.TotalSeconds:N0} s measured, every request kept (exact percentiles; a failed one keeps its latency and is noted). " +
        $"The two reads are measured one after the other, each at the full rate: `GET /api/positions/speakers/{{id}}/topics/{{id}}` (the whole timeline: entries, shifts, current position) and `GET /api/search/statements?q={SearchQuery}` (first page of {SearchPage}: ranking every match, highlighted snippets). " +
        $"Both sides connect with `Maximum Pool Size={PoolSize}` (an operator's setting for a 2-core database, README.md; Npgsql's default of 100 let a burst open dozens of fresh backends on these cores and turned it into seconds of queueing on either side). Floor (chosen here; the issue names none): the same rows read at the same rate and schedule by plain Npgsql from the harness, one round trip per request, as the runtime role, with statements prepared as the service prepares them: in one batch the speaker, topic and shift review documents by id and the timeline's entries (its revisions in force, in stated order, as the service reads them), and the search's own SQL (`StatementSearchQuery.Sql`: the GIN match, `ts_rank_cd`, `ts_headline` of the page) with the same parameters. " +
        "Goal (issue 9): p99 ≤ 20 ms.";

    public override IEnumerable<string> Notes => _notes.Append(string.Create(CultureInfo.InvariantCulture,
        $"Before its loads the figure waited {_autovacuumWait.TotalSeconds:N1} s in all for autovacuum workers to finish."));

    public override async Task SetUpAsync(BenchSettings settings, CancellationToken cancellation)
    {
        _settings = settings;
        var app = settings.AppDirectory;
        // Empty, so the timeline has exactly its points on a cluster kept between runs (bench/run's is fresh anyway).
        await using (var owner = NpgsqlDataSource.Create(settings.OwnerConnection))
        {
            await using var drop = owner.CreateCommand($"drop schema if exists {Schema} cascade; drop schema if exists {Schema}_messages cascade");
            await drop.ExecuteNonQueryAsync(cancellation);
        }

        await ServiceProcess.SetUpAsync(app, settings.OwnerConnection, Schema, cancellation);
        _service = await ServiceProcess.StartAsync(app, new NpgsqlConnectionStringBuilder(settings.AppConnection) { MaxPoolSize = PoolSize }.ConnectionString, Schema, cancellation);
        var tokens = new DevTokens(new AuthOptions { SigningKey = ServiceProcess.SigningKey }, TimeProvider.System);
        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512, PooledConnectionLifetime = TimeSpan.FromHours(1) })
        {
            BaseAddress = _service.BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        var writer = new AuthenticationHeaderValue("Bearer", tokens.Mint("bench", [Roles.Recorder, Roles.Editor], TimeSpan.FromHours(4)));
        // Both sides get the same connection pool, sized for two shared cores as README.md advises operators. With
        // Npgsql's default of 100 a burst opened dozens of fresh backends on both sides, each planning its first
        // searches slowly (binds of 200-470 ms were logged), so a moment's delay grew into seconds of queueing and
        // 53300 "connection slots" refusals for the next figure (docs/benchmarks-history.md).
        // Prepared as the service's connections are (DatabasePreparedStatements): unprepared, every read would be parsed
        // and planned again and the floor would do more work than ours.
        _database = NpgsqlDataSource.Create(DatabasePreparedStatements.Apply(
            new NpgsqlConnectionStringBuilder(settings.AppConnection) { MaxPoolSize = PoolSize }.ConnectionString, new ConfigurationBuilder().Build()));

        await SeedAsync(writer, settings.Quick ? 500 : 2000, settings.Seed, cancellation);
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.Mint("bench-reader", [Roles.Reader], TimeSpan.FromHours(4)));
        await WaitForTimelineAsync(cancellation);
        // The timeline is complete before the daemon has worked through the rest of the seed (every statement's
        // history, the ledger's leaves): the runs must not measure reads competing with that catch-up.
        var catchUp = await QuietDatabase.WaitForDaemonAsync(_database, Schema, TimeSpan.FromMinutes(3), cancellation);
        _notes.Add(string.Create(CultureInfo.InvariantCulture,
            $"The service's async views and subscriptions reached the seed's last event {catchUp.TotalSeconds:N1} s after the timeline was complete; the runs start after that, so the daemon's catch-up on the seed is not measured as reads."));

        _timeline = new TimelineKey(ActorKind.Speaker, _speaker, _topic);
        _searchSql = StatementSearchQuery.Sql($"{Schema}.mt_doc_statementdetails", new StatementSearch(SearchQuery, null, null, null, null, null, null, SearchPage, null, null), afterCursor: false);
        var (rows, bytes) = await FloorTimelineAsync(cancellation);
        var (hits, searchBytes) = await FloorSearchAsync(cancellation);
        var (oursTimeline, oursSearch) = (await ReadAsync(TimelineUri(), cancellation), await ReadAsync(SearchUri(), cancellation));
        _notes.Add(string.Create(CultureInfo.InvariantCulture,
            $"Timeline: ours answers {oursTimeline.Length:N0} bytes of JSON; the floor reads {rows} rows (three documents and the entries), {bytes:N0} bytes of JSON."));
        _notes.Add(string.Create(CultureInfo.InvariantCulture,
            $"Search: ours answers {oursSearch.Length:N0} bytes of JSON; the floor reads {hits} rows (a page of {SearchPage} plus one), {searchBytes:N0} bytes."));
        if (rows < TimelinePoints + 2 || hits != SearchPage + 1)
        {
            throw new InvalidOperationException($"The floor read {rows} timeline documents and {hits} search rows: the seed is not what the figure expects.");
        }

        await QuietDatabase.VacuumAnalyzeAsync(settings.OwnerConnection, Schema, cancellation);
        // One unmeasured pass of every load, ours and floor, at the full rate: the service's and the harness's
        // code then runs in its optimised tiers from run 1 on, as it does in every later run.
        foreach (var (_, ours, floor) in Reads())
        {
            await DriveAsync(ours, cancellation);
            await DriveAsync(floor, cancellation);
        }
    }

    private (string Read, Func<CancellationToken, Task<string?>> Ours, Func<CancellationToken, Task<string?>> Floor)[] Reads() =>
    [
        ($"timeline ({TimelinePoints} points)", token => GetAsync(TimelineUri(), token), async token => (await FloorTimelineAsync(token)).Rows >= TimelinePoints + 2 ? null : "timeline rows missing"),
        ("search page", token => GetAsync(SearchUri(), token), async token => (await FloorSearchAsync(token)).Rows == SearchPage + 1 ? null : "search rows missing"),
    ];

    public override async Task<IReadOnlyList<Sample>> RunOnceAsync(int run, bool floorFirst, CancellationToken cancellation)
    {
        var samples = new List<Sample>();
        foreach (var (read, ours, floor) in Reads())
        {
            OpenLoopResult oursResult;
            OpenLoopResult floorResult;
            double serviceCpu;
            TimeSpan oursPaused, floorPaused;
            if (floorFirst)
            {
                (floorResult, floorPaused) = await DriveAsync(floor, cancellation);
                (oursResult, serviceCpu, oursPaused) = await DriveServiceAsync(ours, cancellation);
            }
            else
            {
                (oursResult, serviceCpu, oursPaused) = await DriveServiceAsync(ours, cancellation);
                (floorResult, floorPaused) = await DriveAsync(floor, cancellation);
            }

            samples.Add(new Sample($"{read}: p50 latency", "ms", oursResult.P50, floorResult.P50));
            samples.Add(new Sample($"{read}: p99 latency", "ms", oursResult.P99, floorResult.P99, Goal.OursAtMost(20, "ms")));
            _notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"Run {run}, {read}: ours {oursResult.Scheduled:N0} requests scheduled in the window, {oursResult.Failed:N0} failed{(oursResult.FirstFailure is null ? "" : $" (first: {oursResult.FirstFailure})")}, max {oursResult.LatenciesMs[^1]:N1} ms; floor {floorResult.Scheduled:N0}, {floorResult.Failed:N0} failed{(floorResult.FirstFailure is null ? "" : $" (first: {floorResult.FirstFailure})")}, max {floorResult.LatenciesMs[^1]:N1} ms; the driver sent 99% of requests within {Math.Max(oursResult.SendLagP99, floorResult.SendLagP99):N2} ms of schedule; the service process used {serviceCpu * 1000 / RequestsPerLoad:N2} ms of CPU per request (warm-up included), {serviceCpu / (Warmup + Window).TotalSeconds:N2} cores at this rate; the harness's own GC (the driver's process) paused it {oursPaused.TotalMilliseconds:N0} ms in all during ours (warm-up included), {floorPaused.TotalMilliseconds:N0} ms during the floor."));
        }

        return samples;
    }

    private double RequestsPerLoad => Math.Round((Warmup + Window).TotalSeconds * Rate);

    /// <summary>Ours, with the CPU time (user + system) the service process used meanwhile.</summary>
    private async Task<(OpenLoopResult Result, double CpuSeconds, TimeSpan GcPaused)> DriveServiceAsync(Func<CancellationToken, Task<string?>> read, CancellationToken cancellation)
    {
        var before = ColdStart.CpuSeconds(_service!.ProcessId);
        var (result, paused) = await DriveAsync(read, cancellation);
        return (result, ColdStart.CpuSeconds(_service.ProcessId) - before, paused);
    }

    /// <summary>
    /// One load, with how long the harness's own garbage collector paused the process meanwhile: the driver measures
    /// both sides, so a pause of its own would show as latency on whichever side was running.
    /// </summary>
    private async Task<(OpenLoopResult Result, TimeSpan GcPaused)> DriveAsync(Func<CancellationToken, Task<string?>> read, CancellationToken cancellation)
    {
        _autovacuumWait += await QuietDatabase.WaitForAutovacuumAsync(_database!, TimeSpan.FromSeconds(60), cancellation);
        var paused = GC.GetTotalPauseDuration();
        var result = await OpenLoopDriver.RunAsync(Rate, Warmup, Window, (_, token) => read(token), cancellation);
        return (result, GC.GetTotalPauseDuration() - paused);
    }

    private Uri TimelineUri() => new($"/api/positions/speakers/{_speaker}/topics/{_topic}", UriKind.Relative);

    private static Uri SearchUri() => new($"/api/search/statements?q={Uri.EscapeDataString(SearchQuery)}&limit={SearchPage}", UriKind.Relative);

    private async Task<string?> GetAsync(Uri uri, CancellationToken cancellation)
    {
        using var response = await _http!.GetAsync(uri, HttpCompletionOption.ResponseContentRead, cancellation);
        return response.StatusCode == HttpStatusCode.OK ? null : $"{(int)response.StatusCode}";
    }

    private async Task<string> ReadAsync(Uri uri, CancellationToken cancellation)
    {
        using var response = await _http!.GetAsync(uri, cancellation);
        var text = await response.Content.ReadAsStringAsync(cancellation);
        return response.StatusCode == HttpStatusCode.OK
            ? text
            : throw new InvalidOperationException($"GET {uri} answered {(int)response.StatusCode}: {text}\n{_service!.Output}");
    }

    private async Task<(int Rows, long Bytes)> FloorTimelineAsync(CancellationToken cancellation)
    {
        await using var batch = _database!.CreateBatch();
        batch.BatchCommands.Add(ById("mt_doc_speakerdetails", _speaker, NpgsqlDbType.Uuid));
        batch.BatchCommands.Add(ById("mt_doc_topicdetails", _topic, NpgsqlDbType.Uuid));
        // The timeline's entries are the revisions in force on it, in stated order, read through the same partial index.
        var entries = new NpgsqlBatchCommand(
            $"select data -> 'entry' from {Schema}.mt_doc_timelinerevision where timeline_id = $1 and known_until is null order by data ->> 'statedOrder'");
        entries.Parameters.Add(new NpgsqlParameter { Value = _timeline.ToString(), NpgsqlDbType = NpgsqlDbType.Varchar });
        batch.BatchCommands.Add(entries);
        batch.BatchCommands.Add(ById("mt_doc_shiftreviewdetails", ShiftReview.StreamId(_timeline), NpgsqlDbType.Uuid));
        await using var reader = await batch.ExecuteReaderAsync(cancellation);
        return await ReadRowsAsync(reader, cancellation);
    }

    private static NpgsqlBatchCommand ById(string table, object id, NpgsqlDbType type)
    {
        var command = new NpgsqlBatchCommand($"select data from {Schema}.{table} where id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id, NpgsqlDbType = type });
        return command;
    }

    private async Task<(int Rows, long Bytes)> FloorSearchAsync(CancellationToken cancellation)
    {
        await using var command = _database!.CreateCommand(_searchSql);
        command.Parameters.AddWithValue("q", SearchQuery);
        command.Parameters.AddWithValue("take", SearchPage + 1);
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        return await ReadRowsAsync(reader, cancellation);
    }

    private static async Task<(int Rows, long Bytes)> ReadRowsAsync(NpgsqlDataReader reader, CancellationToken cancellation)
    {
        var rows = 0;
        long bytes = 0;
        do
        {
            while (await reader.ReadAsync(cancellation))
            {
                rows++;
                bytes += reader.GetString(0).Length;
            }
        }
        while (await reader.NextResultAsync(cancellation));

        return (rows, bytes);
    }

    /// <summary>The speaker's timeline statements, assessed, then the rest of the corpus; all from the seed.</summary>
    private async Task SeedAsync(AuthenticationHeaderValue writer, int others, int seed, CancellationToken cancellation)
    {
        var random = new Random(seed);
        _speaker = await CreateAsync(writer, "/api/speakers", new { name = "Peter Cook", kind = "person" }, cancellation);
        var speakers = new List<Guid> { _speaker };
        foreach (var name in new[] { "Ashton Carter", "Joseph Dunford", "Josh Earnest", "Martin Kobler" })
        {
            speakers.Add(await CreateAsync(writer, "/api/speakers", new { name, kind = "person" }, cancellation));
        }

        _topic = await CreateAsync(writer, "/api/topics", Topic("U.S. military action against ISIS in Libya"), cancellation);
        var otherTopic = await CreateAsync(writer, "/api/topics", Topic("Training of the Libyan national army"), cancellation);

        // Drawn up front, in order, so the data does not depend on how the parallel requests interleave.
        var timeline = Enumerable.Range(0, TimelinePoints)
            .Select(i => (Body: Statement(random, _speaker, _topic, i), Stance: Ladder[random.Next(Ladder.Length)]))
            .ToList();
        var rest = Enumerable.Range(0, others)
            .Select(i => Statement(random, speakers[random.Next(speakers.Count)], otherTopic, TimelinePoints + i))
            .ToList();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellation };
        await Parallel.ForEachAsync(timeline, parallel, async (point, token) =>
        {
            var statement = await CreateAsync(writer, "/api/statements", point.Body, token);
            await CreateAsync(writer, $"/api/statements/{statement}/stances",
                new { topicId = _topic, stance = point.Stance, rationale = "Read from the quote", expectedVersion = 1 }, token, HttpStatusCode.OK);
        });
        await Parallel.ForEachAsync(rest, parallel, async (body, token) => await CreateAsync(writer, "/api/statements", body, token));
        _statements = TimelinePoints + others;
    }

    private static object Topic(string title) => new
    {
        title,
        description = (string?)null,
        ladder = Ladder.Select(key => new { key, label = CultureInfo.InvariantCulture.TextInfo.ToTitleCase(key.Replace('-', ' ')) }).ToArray(),
    };

    private static object Statement(Random random, Guid speaker, Guid topic, int index)
    {
        var words = Enumerable.Range(0, 14 + random.Next(12)).Select(_ => Words[random.Next(Words.Length)]).ToList();
        if (random.NextDouble() < 0.3)
        {
            words.Insert(random.Next(words.Count), "military options in Libya");
        }

        return new
        {
            speakerId = speaker,
            quote = string.Join(' ', words) + ".",
            kind = "partial",
            statedAt = new DateOnly(2016, 1, 1).AddDays(index % 366).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            topicIds = new[] { topic },
            source = new { outlet = "i-HLS", url = string.Create(CultureInfo.InvariantCulture, $"https://i-hls.com/bench/reads/{index}") },
        };
    }

    private async Task<Guid> CreateAsync(AuthenticationHeaderValue writer, string url, object body, CancellationToken cancellation, HttpStatusCode expected = HttpStatusCode.Created)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(url, UriKind.Relative)) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = writer;
        using var response = await _http!.SendAsync(request, cancellation);
        var text = await response.Content.ReadAsStringAsync(cancellation);
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException($"POST {url} answered {(int)response.StatusCode}: {text}\n{_service!.Output}");
        }

        using var json = JsonDocument.Parse(text);
        return json.RootElement.GetProperty("id").GetGuid();
    }

    /// <summary>The timeline is an async view: wait until the daemon has put every assessed statement on it.</summary>
    private async Task WaitForTimelineAsync(CancellationToken cancellation)
    {
        var deadline = DateTimeOffset.UtcNow.AddMinutes(3);
        var entries = 0;
        while (DateTimeOffset.UtcNow < deadline)
        {
            using var response = await _http!.GetAsync(TimelineUri(), cancellation);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellation));
                entries = json.RootElement.GetProperty("entries").GetArrayLength();
                if (entries == TimelinePoints)
                {
                    return;
                }
            }

            await Task.Delay(250, cancellation);
        }

        throw new TimeoutException($"The timeline had {entries} of {TimelinePoints} entries after three minutes.\n{_service!.Output}");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _http?.Dispose();
        if (_service is not null)
        {
            await _service.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
