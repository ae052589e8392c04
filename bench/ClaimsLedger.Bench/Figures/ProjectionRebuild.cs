using System.Diagnostics;
using System.Globalization;
using ClaimsLedger.Bench.Harness;
using ClaimsLedger.Projections;
using JasperFx.Events.Daemon;
using Marten;
using Npgsql;

namespace ClaimsLedger.Bench.Figures;

/// <summary>
/// Figure 3: rebuilding every projection (inline and async) of the shared large log with the service's own
/// rebuild (ProjectionRebuilds, as `rebuild all` runs it on a stopped service), events/s. Floor: binary COPY of
/// the same event payloads into a plain table (figure 2's floor). Each run first fingerprints every view table
/// as the running service left it, and checks the rebuild gives the very same rows.
/// </summary>
internal sealed class ProjectionRebuild : Figure
{
    private BigLog? _log;
    private readonly List<string> _notes = [];

    public override string Number => "3";

    public override string Title => "Projection rebuild of the large log";

    public override string Description => string.Create(CultureInfo.InvariantCulture,
        $"Ours: the service's rebuild of every projection (`ProjectionRebuilds.RunOfflineAsync` with `rebuild all`'s projections, on a projection daemon of the harness's own, as `dotnet ClaimsLedger.dll rebuild all` does on a stopped service: the async History composite of statement histories, revisions, position timelines and their revisions, and the inline StatementDetails, replayed together in one pass over the statement streams, while the daemon rebuilds the other eight inline views beside it) over the shared log of {_log?.Events:N0} events (seeded once per bench run, see the notes), timed from the first rebuild's start to the last one's end; events/s is the log's events over that time. ") +
        "Before each rebuild every view table (`mt_doc_*`) is fingerprinted (row count and a sum of per-row MD5s of id and data) as the running service left it, and after it the rebuilt tables must give the same fingerprints. " +
        "Floor: Npgsql binary COPY of the same event payloads (read back from the log, in memory) with their ids, stream ids, versions, types and times into a plain table (no index, no key), as in figure 2. Goal (issue 9): ratio ≥ 0.3.";

    public override IEnumerable<string> Notes => _log is null ? _notes :
        [_log.Summary(), string.Create(CultureInfo.InvariantCulture,
            $"Live views before the first run: the History agent caught up from nothing in {_log.HistoryCatchUp.TotalSeconds:N1} s while the service's while-serving refresh computed every inline view stream by stream in {_log.InlineRefresh.TotalSeconds:N1} s (concurrently)."), .. _notes];

    public override async Task SetUpAsync(BenchSettings settings, CancellationToken cancellation)
    {
        _log = await BigLog.AcquireAsync(settings, cancellation);
        _notes.Add(await SizesAsync(cancellation));
    }

    /// <summary>
    /// What a rebuild has to write next to what the floor writes: the views' tables with their indexes against the
    /// log's heap (the floor's COPY writes about the log's heap, without indexes).
    /// </summary>
    private async Task<string> SizesAsync(CancellationToken cancellation)
    {
        await using var connection = await _log!.Owner.OpenConnectionAsync(cancellation);
        await using var command = new NpgsqlCommand(
            """
            select c.relname, pg_relation_size(c.oid), pg_total_relation_size(c.oid)
            from pg_class c
            where c.relnamespace = @schema::regnamespace and c.relkind = 'r'
              and (c.relname like 'mt_doc_%' or c.relname = 'statement_search_vectors' or c.relname = 'mt_events')
            order by pg_total_relation_size(c.oid) desc
            """, connection);
        command.Parameters.AddWithValue("schema", BigLog.Schema);
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        long logHeap = 0, viewsTotal = 0;
        var views = new List<string>();
        while (await reader.ReadAsync(cancellation))
        {
            var (name, heap, total) = (reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2));
            if (name == "mt_events")
            {
                logHeap = heap;
                continue;
            }

            viewsTotal += total;
            if (views.Count < 6)
            {
                views.Add(string.Create(CultureInfo.InvariantCulture, $"{name} {total / 1048576.0:N1} MiB"));
            }
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"What a rebuild writes: the view tables with their indexes hold {viewsTotal / 1048576.0:N1} MiB (largest: {string.Join(", ", views)}) against {logHeap / 1048576.0:N1} MiB for the log's heap, which is about what the floor's COPY writes (no index): {(logHeap == 0 ? 0 : (double)viewsTotal / logHeap):N1} bytes of views per byte of log.");
    }

    public override async Task<IReadOnlyList<Sample>> RunOnceAsync(int run, bool floorFirst, CancellationToken cancellation)
    {
        double floor = 0;
        if (floorFirst)
        {
            floor = await CopyFloorAsync(cancellation);
        }

        var ours = await RebuildAsync(run, cancellation);
        if (!floorFirst)
        {
            floor = await CopyFloorAsync(cancellation);
        }

        return [new Sample("rebuild of every projection: events/s", "/s", ours, floor, Goal.RatioAtLeast(0.3))];
    }

    /// <summary>
    /// The floor over the log's payloads, read back just before (untimed) and let go after: at 1,000,000 events they are
    /// about a GB, and held for the whole bench they made every later figure's collections in this process longer.
    /// </summary>
    private async Task<double> CopyFloorAsync(CancellationToken cancellation) =>
        await CopyFloor.MeasureAsync(_log!.Owner, "bench_rebuild_copy_floor", await _log.ReadPayloadsAsync(cancellation), cancellation);

    private async Task<double> RebuildAsync(int run, CancellationToken cancellation)
    {
        var log = _log!;
        var live = await FingerprintAsync(cancellation);
        var events = await log.ScalarAsync($"select count(*) from {BigLog.Schema}.mt_events", cancellation);
        var target = await log.ScalarAsync($"select coalesce(max(seq_id), 0) from {BigLog.Schema}.mt_events", cancellation);
        var rebuilds = log.Rebuilds();
        using var daemon = await log.Store.BuildProjectionDaemonAsync();
        var times = new List<string>();
        var watch = Stopwatch.StartNew();
        foreach (var state in await rebuilds.RunOfflineAsync(rebuilds.Names(), target, _ => Task.FromResult<IProjectionDaemon>(daemon)))
        {
            if (state.Error is not null)
            {
                throw new InvalidOperationException($"Rebuilding {state.Projection} failed: {state.Error}");
            }

            times.Add(string.Create(CultureInfo.InvariantCulture, $"{state.Projection} {state.Seconds:N1} s"));
        }

        watch.Stop();
        await daemon.StopAllAsync();
        var rebuilt = await FingerprintAsync(cancellation);
        var differing = live.Keys.Union(rebuilt.Keys).Where(table => live.GetValueOrDefault(table) != rebuilt.GetValueOrDefault(table)).ToList();
        var outcome = differing.Count == 0
            ? string.Create(CultureInfo.InvariantCulture, $"the {rebuilt.Count} view tables equal the live ones ({rebuilt.Values.Sum(value => value.Rows):N0} rows).")
            : "**the rebuilt views differ from the live ones** in " +
              string.Join(", ", differing.Select(table => $"{table} (live {live.GetValueOrDefault(table)}, rebuilt {rebuilt.GetValueOrDefault(table)})")) + ".";
        _notes.Add(string.Create(CultureInfo.InvariantCulture,
            $"Run {run}: rebuilt {events:N0} events in {watch.Elapsed.TotalSeconds:N1} s ({string.Join(", ", times)}); {outcome}"));
        return events / watch.Elapsed.TotalSeconds;
    }

    /// <summary>Per view table: its row count and the sum of a 60-bit slice of each row's MD5 over id and data (order-free).</summary>
    private async Task<Dictionary<string, (long Rows, string Sum)>> FingerprintAsync(CancellationToken cancellation)
    {
        var tables = new List<string>();
        await using var connection = await _log!.Owner.OpenConnectionAsync(cancellation);
        await using (var list = new NpgsqlCommand(
            "select table_name from information_schema.tables where table_schema = @schema and table_name like 'mt_doc_%' order by 1", connection))
        {
            list.Parameters.AddWithValue("schema", BigLog.Schema);
            await using var reader = await list.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
            {
                tables.Add(reader.GetString(0));
            }
        }

        var prints = new Dictionary<string, (long, string)>();
        foreach (var table in tables)
        {
            await using var print = new NpgsqlCommand(
                $"select count(*), coalesce(sum(('x' || left(md5(id::text || data::text), 15))::bit(60)::bigint), 0)::text from {BigLog.Schema}.{table}", connection)
            { CommandTimeout = 0 };
            await using var reader = await print.ExecuteReaderAsync(cancellation);
            await reader.ReadAsync(cancellation);
            prints[table] = (reader.GetInt64(0), reader.GetString(1));
        }

        return prints;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_log is not null)
        {
            await BigLog.ReleaseAsync();
        }
    }
}
