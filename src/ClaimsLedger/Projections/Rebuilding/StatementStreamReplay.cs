using ClaimsLedger.Positions;
using ClaimsLedger.Search;
using ClaimsLedger.Statements;
using ClaimsLedger.Statements.GettingDetails;
using ClaimsLedger.Statements.History;
using JasperFx.Events;
using Marten;
using Marten.Events;
using Npgsql;
using Weasel.Core;
using NpgsqlTypes;

namespace ClaimsLedger.Projections;

/// <summary>
/// The offline rebuild of the views folded from statement streams, which are nearly the whole log: the History
/// composite (statement histories, statement and timeline revisions, timelines) and the inline StatementDetails.
/// Marten's daemon replays the log page by page in sequence order and upserts each page's documents one statement
/// at a time; a statement's follow-ups arrive pages apart, so each of its documents is read back and written again
/// several times. Offline nothing else writes, so this reads the statement streams once, ordered by stream and
/// version, folds each stream whole through the very functions the projections use
/// (<see cref="StatementHistoryProjection.Fold"/>, <see cref="StatementRevision.Of"/>, <see cref="TimelineRevision.Of"/>,
/// <see cref="PositionTimeline.Touch"/>), and writes every document once, with binary COPY (Marten's bulk insert) into
/// the emptied tables: the same documents the live daemon keeps (a test and bench figure 3 compare them).
/// Memory stays bounded: a stream's documents are written once a chunk of them has gathered, and only the timelines
/// (one small document per actor and topic) are kept to the end.
/// </summary>
public sealed class StatementStreamReplay(IDocumentStore store)
{
    /// <summary>Documents gathered before they are written with one COPY.</summary>
    public const int DocumentsPerCopy = 5_000;

    private const string StatementDetailsProjection = "StatementDetails";


    private static readonly Type[] StatementEvents =
    [
        typeof(StatementRecorded), typeof(SourceAdded), typeof(QuoteCorrected), typeof(AttributionCorrected),
        typeof(StatementRetracted), typeof(StatementWithdrawn), typeof(StanceAssessed), typeof(ClaimLinked),
    ];

    /// <summary>Whether <paramref name="projection"/> is one this replay rebuilds.</summary>
    public static bool Handles(string projection) =>
        projection.Equals(Statements.Configuration.HistoryProjection, StringComparison.OrdinalIgnoreCase) ||
        projection.Equals(StatementDetailsProjection, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Rebuilds every projection of <paramref name="projections"/> this replay handles (<see cref="Handles"/>) from every
    /// event in the log (the service must not be writing), in one pass over the statement streams, reporting the events
    /// read so far; returns how many it read. History and StatementDetails fold the same streams with the same fold, so
    /// `rebuild all` reads and folds each stream once for both. History's progress is left at the log's last sequence,
    /// where its agent resumes; an inline view keeps none. The tables are emptied and their secondary indexes set aside
    /// (<see cref="DeferredIndexes"/>) until every document is written, then built from the loaded rows.
    /// </summary>
    public async Task<long> RunAsync(IReadOnlyCollection<string> projections, Action<long>? progress, CancellationToken cancellation)
    {
        var history = projections.Any(projection => projection.Equals(Statements.Configuration.HistoryProjection, StringComparison.OrdinalIgnoreCase));
        var details = projections.Any(projection => projection.Equals(StatementDetailsProjection, StringComparison.OrdinalIgnoreCase));
        if (!history && !details)
        {
            throw new ArgumentException($"This replay rebuilds {Statements.Configuration.HistoryProjection} and {StatementDetailsProjection}, not {string.Join(", ", projections)}.", nameof(projections));
        }

        // Read here rather than taken from the caller: a bound below the log's end would leave documents out.
        var through = await LastSequenceAsync(cancellation);
        var writer = new Writer(store);
        List<Type> documents = history ? [typeof(StatementHistory), typeof(StatementRevision), typeof(TimelineRevision), typeof(PositionTimeline)] : [];
        if (details)
        {
            documents.Add(typeof(StatementDetails));
        }

        await writer.EmptyAsync(documents, cancellation);
        var tables = documents.Select(type => store.Options.Schema.For(type)).ToList();
        if (details)
        {
            // Written by a trigger on each StatementDetails row, with a GIN index of its own.
            tables.Add(StatementSearchVectors.TableBeside(store.Options.Schema.For<StatementDetails>()));
        }

        var deferred = await DeferredIndexes.DropAsync(store, tables, cancellation);
        long read;
        try
        {
            read = await ReplayAsync(writer, through, history, details, progress, cancellation);
        }
        catch (Exception replayFailed)
        {
            // The indexes go back even when the replay fails, and the replay's error is the one reported.
            try
            {
                await deferred.RestoreAsync(store, CancellationToken.None);
            }
            catch (Exception restoreFailed)
            {
                throw new AggregateException("The replay failed, and so did building its tables' indexes again (`setup` creates them).", replayFailed, restoreFailed);
            }

            throw;
        }

        // Not cancelled half way: the tables would be left without their indexes.
        await deferred.RestoreAsync(store, CancellationToken.None);

        if (history)
        {
            await SetProgressAsync($"{Statements.Configuration.HistoryProjection}:All", through, cancellation);
        }

        progress?.Invoke(read);
        return read;
    }

    private async Task<long> ReplayAsync(Writer writer, long through, bool history, bool details, Action<long>? progress, CancellationToken cancellation)
    {
        var timelines = new Dictionary<string, PositionTimeline>(StringComparer.Ordinal);
        long read = 0;
        await foreach (var stream in StreamsAsync(through, cancellation))
        {
            read += stream.Count;
            if (FoldStream(stream) is not { } folded)
            {
                continue;
            }

            if (history)
            {
                writer.Add(folded);
                writer.AddRange(StatementRevision.Of(folded));
                writer.AddRange(TimelineRevision.Of(folded));
                foreach (var key in folded.Timelines())
                {
                    var id = key.ToString();
                    if (PositionTimeline.Touch(timelines.GetValueOrDefault(id), id, folded) is { } timeline)
                    {
                        timelines[id] = timeline;
                    }
                }
            }

            if (details)
            {
                var current = folded.Current with { };
                current.Version = stream[^1].Version;
                writer.Add(current);
            }

            await writer.FlushFullAsync(cancellation);
            if (read % 10_000 < stream.Count)
            {
                progress?.Invoke(read);
            }
        }

        writer.AddRange(timelines.Values);
        await writer.FlushAllAsync(cancellation);
        return read;
    }

    /// <summary>One statement stream's events onto its history, as the first stage of History folds them.</summary>
    private static StatementHistory? FoldStream(List<IEvent> stream)
    {
        StatementHistory? history = null;
        foreach (var e in stream)
        {
            history = StatementHistoryProjection.Fold(history, e);
        }

        if (history is not null)
        {
            history.Version = stream[^1].Version;
        }

        return history;
    }

    /// <summary>
    /// The statement streams' events up to <paramref name="through"/>, one stream at a time in version order. One query
    /// over the (stream_id, version) index, without a command timeout: it reads the whole log.
    /// </summary>
    private async IAsyncEnumerable<List<IEvent>> StreamsAsync(long through, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellation)
    {
        var events = (EventGraph)store.Options.Events;
        var serializer = store.Options.Serializer();
        var types = StatementEvents.ToDictionary(type => events.EventMappingFor(type).EventTypeName, type => type, StringComparer.Ordinal);
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellation);
        await using var command = new NpgsqlCommand(
            $"select stream_id, version, timestamp, type, data from {events.DatabaseSchemaName}.mt_events " +
            "where seq_id <= @through and type = any(@types) and is_archived = false order by stream_id, version", connection)
        {
            CommandTimeout = 0,
        };
        command.Parameters.AddWithValue("through", through);
        command.Parameters.Add(new NpgsqlParameter("types", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = types.Keys.ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        var stream = new List<IEvent>();
        while (await reader.ReadAsync(cancellation))
        {
            var streamId = reader.GetGuid(0);
            if (stream.Count > 0 && stream[0].StreamId != streamId)
            {
                yield return stream;
                stream = [];
            }

            var version = reader.GetInt64(1);
            var timestamp = reader.GetFieldValue<DateTimeOffset>(2);
            var type = types[reader.GetString(3)];
            var data = serializer.FromJson(type, reader, 4);
            var e = events.EventMappingFor(type).Wrap(data);
            e.StreamId = streamId;
            e.Version = version;
            e.Timestamp = timestamp;
            stream.Add(e);
        }

        if (stream.Count > 0)
        {
            yield return stream;
        }
    }

    private async Task<long> LastSequenceAsync(CancellationToken cancellation)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellation);
        await using var command = new NpgsqlCommand($"select coalesce(max(seq_id), 0) from {store.Options.Events.DatabaseSchemaName}.mt_events", connection);
        return (long)(await command.ExecuteScalarAsync(cancellation))!;
    }

    private async Task SetProgressAsync(string shard, long sequence, CancellationToken cancellation)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellation);
        await using var command = new NpgsqlCommand(
            $"insert into {store.Options.Events.DatabaseSchemaName}.mt_event_progression (name, last_seq_id, last_updated) values (@shard, @sequence, now()) " +
            "on conflict (name) do update set last_seq_id = excluded.last_seq_id, last_updated = excluded.last_updated", connection);
        command.Parameters.AddWithValue("shard", shard);
        command.Parameters.AddWithValue("sequence", sequence);
        await command.ExecuteNonQueryAsync(cancellation);
    }

    /// <summary>
    /// Documents by type, written with one COPY per type once enough have gathered. COPYs run while the next documents
    /// are read and folded, so the database writes as the replay reads; several at a time (<see cref="WritesInFlight"/>),
    /// so that one COPY's documents are serialized here while PostgreSQL inserts another's: with one, the replay waited
    /// on the writes for four fifths of its time (docs/benchmarks-history.md, figure 3, 2026-12-06).
    /// </summary>
    private sealed class Writer(IDocumentStore store)
    {
        /// <summary>COPYs in flight at once, each on a connection of its own: two, or one per core where there are more.</summary>
        private static readonly int WritesInFlight = Math.Max(2, Environment.ProcessorCount);

        private readonly Dictionary<Type, Buffer> _buffers = [];
        private readonly List<Task> _writing = [];

        public async Task EmptyAsync(IEnumerable<Type> types, CancellationToken cancellation)
        {
            foreach (var type in types)
            {
                await store.Advanced.Clean.DeleteDocumentsByTypeAsync(type, cancellation);
            }
        }

        public void Add<T>(T document)
            where T : notnull
        {
            if (!_buffers.TryGetValue(typeof(T), out var buffer))
            {
                _buffers[typeof(T)] = buffer = new Buffer<T>();
            }

            ((Buffer<T>)buffer).Documents.Add(document);
        }

        public void AddRange<T>(IEnumerable<T> documents)
            where T : notnull
        {
            foreach (var document in documents)
            {
                Add(document);
            }
        }

        /// <summary>Starts writing each buffer that is full, once a COPY in flight has finished if there are enough.</summary>
        public async Task FlushFullAsync(CancellationToken cancellation)
        {
            foreach (var buffer in _buffers.Values.Where(buffer => buffer.Count >= DocumentsPerCopy))
            {
                await StartAsync(buffer, cancellation);
            }
        }

        /// <summary>Writes everything gathered and waits for it.</summary>
        public async Task FlushAllAsync(CancellationToken cancellation)
        {
            foreach (var buffer in _buffers.Values.Where(buffer => buffer.Count > 0))
            {
                await StartAsync(buffer, cancellation);
            }

            await Task.WhenAll(_writing);
            _writing.Clear();
        }

        private async Task StartAsync(Buffer buffer, CancellationToken cancellation)
        {
            var write = buffer.Take();
            while (_writing.Count >= WritesInFlight)
            {
                var done = await Task.WhenAny(_writing);
                _writing.Remove(done);
                // A failed COPY fails the replay here, not after the rest have been written.
                await done;
            }

            _writing.Add(write(store, cancellation));
        }

        private abstract class Buffer
        {
            public abstract int Count { get; }

            /// <summary>Empties the buffer, returning the write of what it held.</summary>
            public abstract Func<IDocumentStore, CancellationToken, Task> Take();
        }

        private sealed class Buffer<T> : Buffer
            where T : notnull
        {
            public List<T> Documents { get; private set; } = [];

            public override int Count => Documents.Count;

            public override Func<IDocumentStore, CancellationToken, Task> Take()
            {
                var documents = Documents;
                Documents = [];
                return (store, cancellation) => Task.Run(() => store.BulkInsertAsync(documents, BulkInsertMode.InsertsOnly, DocumentsPerCopy, cancellation), cancellation);
            }
        }
    }
}
