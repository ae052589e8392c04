using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ClaimsLedger.Auditing;
using ClaimsLedger.Auditing.Importing;
using ClaimsLedger.Bench.Harness;
using ClaimsLedger.Infrastructure;
using ClaimsLedger.Statements;
using JasperFx;
using JasperFx.Events;
using Marten;
using Npgsql;
using Weasel.Core;

namespace ClaimsLedger.Bench.Figures;

/// <summary>
/// Figure 2: batch import of an NDJSON export (EventLogImporter, the code behind `import-events`), events/s, at two
/// sizes, each next to its own floor. Floor: Npgsql binary COPY of the same payloads into a plain table. Peers, next
/// to the first size's floor: Marten's BulkInsertEventsAsync, and one session's SaveChanges of 1,000 new streams of
/// one event each. Every side writes into a schema of its own, created empty before its timing starts.
/// </summary>
internal sealed class BatchImport : Figure
{
    private const int SaveChangesEvents = 1000;
    private static readonly JsonSerializerOptions ExportJson = new(JsonSerializerDefaults.Web);

    private BenchSettings _settings = null!;
    private NpgsqlDataSource? _owner;
    private string _file = "";
    private string _largeFile = "";
    private readonly List<StatementRecorded> _events = [];

    private readonly List<string> _notes = [];

    public override string Number => "2";

    public override string Title => "Batch import (NDJSON)";

    public override string Description => string.Create(CultureInfo.InvariantCulture,
        $"Ours: `EventLogImporter.ImportAsync` (what `import-events` runs before it rebuilds the views: check the schema and hash the file, then binary COPY of events and streams, in one transaction) of an NDJSON export of {_settings?.ImportEvents:N0} `StatementRecorded` events (one stream each, generated with the fixed seed) into an empty event store, timed from the call to its return; then the same of a larger export of {_settings?.LargeImportEvents:N0} events (the first file's events and more from the same generator), next to a floor of its own size, where the import's fixed costs weigh less. ") +
        "The store is configured as the service's (every slice's events, documents and projections, `Storage.AddEverySlice`), so the import checks the schema the command checks; its tables are created before the timing; views are not rebuilt here (that is figure 3, later). " +
        "Floor: Npgsql binary COPY of the same event payloads (already in memory) with their ids, stream ids, versions, types and times into a plain table (no index, no key). " +
        string.Create(CultureInfo.InvariantCulture, $"Peers, next to the first size's floor, in a store with the event settings alone: Marten's `BulkInsertEventsAsync` of the same {_settings?.ImportEvents:N0} events as new streams, and a plain `SaveChangesAsync` of one session starting {SaveChangesEvents:N0} streams of one event each. Goal (issue 9): import ratio ≥ 0.5, at either size.");

    public override IEnumerable<string> Notes => _notes;

    public override async Task SetUpAsync(BenchSettings settings, CancellationToken cancellation)
    {
        _settings = settings;
        _owner = NpgsqlDataSource.Create(settings.OwnerConnection);
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Storage.Configure(json);
        var random = new Random(settings.Seed);
        var speaker = new Attribution(Guid.CreateVersion7(), "Peter Cook", Guid.CreateVersion7(), "Pentagon spokesman", Guid.CreateVersion7(), "U.S. Department of Defense");
        var topic = Guid.CreateVersion7();
        var recorded = DateTimeOffset.Parse("2016-02-01T12:00:00Z", CultureInfo.InvariantCulture);
        _file = Path.Combine(Path.GetTempPath(), $"claimsledger-bench-import-{Environment.ProcessId}.ndjson");
        _largeFile = Path.Combine(Path.GetTempPath(), $"claimsledger-bench-import-large-{Environment.ProcessId}.ndjson");
        await using var writer = new StreamWriter(_file);
        await using var largeWriter = settings.LargeImportEvents > 0 ? new StreamWriter(_largeFile) : null;
        for (var i = 0; i < Math.Max(settings.ImportEvents, settings.LargeImportEvents); i++)
        {
            var id = new Guid(RandomBytes(random));
            var day = new DateOnly(2016, 1, 1).AddDays(random.Next(0, 366));
            var statement = new StatementRecorded(id, speaker, $"We are assessing options in Libya, statement {i}.", QuoteKind.Partial,
                StatedTime.OfDay(day.Year, day.Month, day.Day), [topic], new Source("i-HLS", $"https://i-hls.com/bench/{i}", null, null, null, null, null, null));
            if (i < settings.ImportEvents)
            {
                _events.Add(statement);
            }

            var data = JsonSerializer.SerializeToElement(statement, json);
            var at = recorded.AddSeconds(i);
            var eventId = new Guid(RandomBytes(random));
            var logged = new LoggedEvent(i + 1, eventId, id, "statement", 1, "statement_recorded", "ClaimsLedger.Statements.StatementRecorded, ClaimsLedger",
                at, "*DEFAULT*", "bench", null, null, null, data);
            var line = JsonSerializer.Serialize(logged, ExportJson);
            if (i < settings.ImportEvents)
            {
                await writer.WriteLineAsync(line);
            }

            if (largeWriter is not null)
            {
                await largeWriter.WriteLineAsync(line);
            }
        }

        await writer.FlushAsync(cancellation);
        _notes.Add(string.Create(CultureInfo.InvariantCulture, $"NDJSON file: {settings.ImportEvents:N0} events, {new FileInfo(_file).Length / 1024.0 / 1024.0:N1} MiB."));
        if (largeWriter is not null)
        {
            await largeWriter.FlushAsync(cancellation);
            _notes.Add(string.Create(CultureInfo.InvariantCulture, $"The larger NDJSON file: {settings.LargeImportEvents:N0} events, {new FileInfo(_largeFile).Length / 1024.0 / 1024.0:N1} MiB."));
        }
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[16];
        random.NextBytes(bytes);
        return bytes;
    }

    public override async Task<IReadOnlyList<Sample>> RunOnceAsync(int run, bool floorFirst, CancellationToken cancellation)
    {
        double floor = 0;
        if (floorFirst)
        {
            floor = await CopyFloorAsync(run, _file, cancellation);
        }

        var import = await ImportAsync(run, _file, cancellation);
        var bulk = await BulkInsertAsync(run, cancellation);
        var save = await SaveChangesAsync(run, cancellation);
        if (!floorFirst)
        {
            floor = await CopyFloorAsync(run, _file, cancellation);
        }

        List<Sample> samples =
        [
            new Sample(string.Create(CultureInfo.InvariantCulture, $"import-events path (EventLogImporter), {_settings.ImportEvents:N0} events: events/s"), "/s", import, floor, Goal.RatioAtLeast(0.5)),
        ];
        if (_settings.LargeImportEvents > 0)
        {
            double largeFloor = 0;
            if (floorFirst)
            {
                largeFloor = await CopyFloorAsync(run, _largeFile, cancellation);
            }

            var largeImport = await ImportAsync(run, _largeFile, cancellation);
            if (!floorFirst)
            {
                largeFloor = await CopyFloorAsync(run, _largeFile, cancellation);
            }

            samples.Add(new Sample(string.Create(CultureInfo.InvariantCulture, $"import-events path (EventLogImporter), {_settings.LargeImportEvents:N0} events: events/s"), "/s",
                largeImport, largeFloor, Goal.RatioAtLeast(0.5)));
        }

        samples.Add(new Sample("peer: Marten BulkInsertEventsAsync: events/s", "/s", bulk, floor));
        samples.Add(new Sample(string.Create(CultureInfo.InvariantCulture, $"peer: SaveChangesAsync of {SaveChangesEvents:N0} events: events/s"), "/s", save, floor));
        return samples;
    }

    private async Task<double> ImportAsync(int run, string file, CancellationToken cancellation)
    {
        var schema = $"bench_import_{run}";
        using var store = await EmptyStoreAsync(schema, everySlice: true, cancellation);
        var importer = new EventLogImporter(store, new LedgerClock(TimeProvider.System));
        var watch = Stopwatch.StartNew();
        var summary = await importer.ImportAsync(file, "bench", null, cancellation);
        watch.Stop();
        var rows = await CountAsync($"{schema}.mt_events", cancellation);
        _notes.Add(string.Create(CultureInfo.InvariantCulture, $"Run {run}: the import wrote {rows:N0} events in {summary.Streams:N0} streams in {watch.Elapsed.TotalSeconds:N2} s."));
        await DropAsync(schema, cancellation);
        return summary.Events / watch.Elapsed.TotalSeconds;
    }

    private async Task<double> BulkInsertAsync(int run, CancellationToken cancellation)
    {
        var schema = $"bench_bulk_{run}";
        using var store = await EmptyStoreAsync(schema, everySlice: false, cancellation);
        var registry = store.Options.Events as IEventRegistry ?? throw new InvalidOperationException("Marten's event options are not an IEventRegistry.");
        var streams = _events.Select(statement => StreamAction.Start(registry, statement.StatementId, statement)).ToList();
        var watch = Stopwatch.StartNew();
        await store.BulkInsertEventsAsync(streams, 1000, cancellation);
        watch.Stop();
        var rows = await CountAsync($"{schema}.mt_events", cancellation);
        _notes.Add(string.Create(CultureInfo.InvariantCulture, $"Run {run}: BulkInsertEventsAsync wrote {rows:N0} events in {watch.Elapsed.TotalSeconds:N2} s."));
        await DropAsync(schema, cancellation);
        return rows / watch.Elapsed.TotalSeconds;
    }

    private async Task<double> SaveChangesAsync(int run, CancellationToken cancellation)
    {
        var schema = $"bench_save_{run}";
        using var store = await EmptyStoreAsync(schema, everySlice: false, cancellation);
        // Warm Marten's code paths for this store on a throwaway stream, outside the timing.
        await using (var warm = store.LightweightSession())
        {
            warm.Events.StartStream<Statement>(Guid.CreateVersion7(), _events[0] with { StatementId = Guid.CreateVersion7() });
            await warm.SaveChangesAsync(cancellation);
        }

        await using var session = store.LightweightSession();
        foreach (var statement in _events.Take(SaveChangesEvents))
        {
            session.Events.StartStream<Statement>(statement.StatementId, statement);
        }

        var watch = Stopwatch.StartNew();
        await session.SaveChangesAsync(cancellation);
        watch.Stop();
        var rows = await CountAsync($"{schema}.mt_events", cancellation) - 1;
        _notes.Add(string.Create(CultureInfo.InvariantCulture, $"Run {run}: SaveChangesAsync wrote {rows:N0} events in {watch.Elapsed.TotalSeconds:N3} s."));
        await DropAsync(schema, cancellation);
        return rows / watch.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// The floor of one file's payloads, read from the file just before (untimed) and let go after: 250,000 payloads are
    /// hundreds of MB, and held for the whole bench they made every later figure's collections in this process longer.
    /// </summary>
    private async Task<double> CopyFloorAsync(int run, string file, CancellationToken cancellation)
    {
        var payloads = new List<EventPayload>();
        await foreach (var line in File.ReadLinesAsync(file, cancellation))
        {
            var logged = JsonSerializer.Deserialize<LoggedEvent>(line, ExportJson) ?? throw new InvalidDataException($"A null line in {file}.");
            payloads.Add(new EventPayload(logged.Sequence, logged.Id, logged.StreamId, logged.Version, logged.Type, logged.Data.GetRawText(), logged.RecordedAt));
        }

        return await CopyFloor.MeasureAsync(_owner!, $"bench_copy_floor_{run}", payloads, cancellation);
    }

    /// <summary>
    /// A Marten store with the service's event settings (Infrastructure/Storage.cs) and, with <paramref name="everySlice"/>,
    /// everything else the service configures (its documents and projections), its tables created and empty.
    /// </summary>
    private async Task<DocumentStore> EmptyStoreAsync(string schema, bool everySlice, CancellationToken cancellation)
    {
        await DropAsync(schema, cancellation);
        var store = DocumentStore.For(options =>
        {
            options.Connection(_settings.OwnerConnection);
            options.DatabaseSchemaName = schema;
            options.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
            Storage.UseLedgerEventConventions(options);
            options.Events.AddEventType<StatementRecorded>();
            if (everySlice)
            {
                Storage.AddEverySlice(options);
            }
        });
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        return store;
    }

    private async Task DropAsync(string schema, CancellationToken cancellation)
    {
        await using var connection = await _owner!.OpenConnectionAsync(cancellation);
        await using var drop = new NpgsqlCommand($"drop schema if exists {schema} cascade", connection);
        await drop.ExecuteNonQueryAsync(cancellation);
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
        if (_owner is not null)
        {
            await _owner.DisposeAsync();
        }

        foreach (var file in new[] { _file, _largeFile })
        {
            if (file.Length > 0 && File.Exists(file))
            {
                File.Delete(file);
            }
        }
    }
}
