using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using ClaimsLedger.Infrastructure;
using Marten;
using Npgsql;
using NpgsqlTypes;

namespace ClaimsLedger.Auditing.Importing;

/// <summary>What an import did.</summary>
public sealed record ImportSummary(long Events, int Streams, long LastSequence, string FileSha256);

/// <summary>
/// Loads an NDJSON export into an empty event store: every event keeps its sequence number, stream,
/// version, type, recorded time and metadata, and gains an "import" header saying who imported it,
/// when, and the SHA-256 of the file it came from. Events go in with PostgreSQL's binary COPY; the
/// views are then rebuilt from them (see Projections/Rebuilding).
/// </summary>
public sealed class EventLogImporter(IDocumentStore store, LedgerClock clock)
{
    public const string ImportHeader = "import";

    private string Schema => store.Options.Events.DatabaseSchemaName;

    public async Task<ImportSummary> ImportAsync(string path, string importedBy, Action<long>? progress, CancellationToken cancellation)
    {
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        string hash;
        await using (var bytes = File.OpenRead(path))
        {
            hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(bytes, cancellation));
        }

        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellation);
        await using var transaction = await connection.BeginTransactionAsync(cancellation);
        await using (var count = new NpgsqlCommand($"select exists (select 1 from {Schema}.mt_events) or exists (select 1 from {Schema}.mt_streams)", connection, transaction))
        {
            if ((bool)(await count.ExecuteScalarAsync(cancellation))!)
            {
                throw new InvalidOperationException("The event store is not empty: an import only goes into an empty database.");
            }
        }

        var marker = JsonSerializer.Serialize(new { by = importedBy, at = clock.Now, fileSha256 = hash });
        var streams = new Dictionary<Guid, StreamSummary>();
        long events, last;
        // A failed import rolls the keys' removal back with everything else.
        if (await DropStreamKeysAsync(connection, transaction, cancellation) is { } streamKeys)
        {
            // One pass: the events go in first and the streams are summed up on the way.
            (events, last) = await WriteEventsAsync(connection, path, marker, streams, progress, cancellation);
            await WriteStreamsAsync(connection, streams, cancellation);
            await RestoreStreamKeysAsync(connection, transaction, streamKeys, cancellation);
        }
        else
        {
            // The key stays: every event's stream must be in place before the event, so survey the file first.
            await WriteEventsAsync(connection: null, path, marker, streams, progress: null, cancellation);
            await WriteStreamsAsync(connection, streams, cancellation);
            (events, last) = await WriteEventsAsync(connection, path, marker, streams: null, progress, cancellation);
        }

        if (last > 0)
        {
            await using var sequence = new NpgsqlCommand($"select setval('{Schema}.mt_events_sequence', @last)", connection, transaction);
            sequence.Parameters.AddWithValue("last", last);
            await sequence.ExecuteScalarAsync(cancellation);
        }

        await transaction.CommitAsync(cancellation);
        return new ImportSummary(events, streams.Count, last, hash);
    }

    /// <summary>
    /// Takes the events' foreign key to their streams off for the COPY (<see cref="RestoreStreamKeysAsync"/> puts it
    /// back, with its own definition): PostgreSQL then checks every event's stream in one join instead of one
    /// trigger call and one index probe per row, which was most of the database's time in an import
    /// (docs/benchmarks.md, figure 2). This is PostgreSQL's own advice for populating a table; inside the import's
    /// transaction nothing else sees the table without its key. Only the table's owner may do this: run as
    /// another role (the service's runtime role), the import keeps the key (null) and PostgreSQL checks it row by row.
    /// </summary>
    private async Task<IReadOnlyList<(string Name, string Definition)>?> DropStreamKeysAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellation)
    {
        var keys = new List<(string Name, string Definition)>();
        await using (var find = new NpgsqlCommand(
            """
            select conname, pg_get_constraintdef(oid), pg_has_role((select relowner from pg_class where oid = conrelid), 'MEMBER')
            from pg_constraint where conrelid = @events::regclass and contype = 'f'
            """, connection, transaction))
        {
            find.Parameters.AddWithValue("events", $"{Schema}.mt_events");
            await using var reader = await find.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
            {
                if (!reader.GetBoolean(2))
                {
                    return null;
                }

                keys.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        foreach (var (name, _) in keys)
        {
            await using var drop = new NpgsqlCommand($"alter table {Schema}.mt_events drop constraint \"{name}\"", connection, transaction);
            await drop.ExecuteNonQueryAsync(cancellation);
        }

        return keys;
    }

    /// <summary>Adds the keys back; PostgreSQL validates every imported event against them as it does.</summary>
    private async Task RestoreStreamKeysAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<(string Name, string Definition)> keys, CancellationToken cancellation)
    {
        foreach (var (name, definition) in keys)
        {
            await using var add = new NpgsqlCommand($"alter table {Schema}.mt_events add constraint \"{name}\" {definition}", connection, transaction);
            await add.ExecuteNonQueryAsync(cancellation);
        }
    }

    private sealed record StreamSummary(string? Type, string? TenantId, long Version, DateTimeOffset Created, DateTimeOffset Timestamp);

    private async Task WriteStreamsAsync(NpgsqlConnection connection, Dictionary<Guid, StreamSummary> streams, CancellationToken cancellation)
    {
        await using var copy = await connection.BeginBinaryImportAsync(
            $"copy {Schema}.mt_streams (id, type, version, timestamp, created, tenant_id, is_archived) from stdin (format binary)", cancellation);
        foreach (var (id, stream) in streams)
        {
            await copy.StartRowAsync(cancellation);
            await copy.WriteAsync(id, NpgsqlDbType.Uuid, cancellation);
            await WriteNullableAsync(copy, stream.Type, NpgsqlDbType.Varchar, cancellation);
            await copy.WriteAsync(stream.Version, NpgsqlDbType.Bigint, cancellation);
            await copy.WriteAsync(stream.Timestamp.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellation);
            await copy.WriteAsync(stream.Created.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellation);
            await copy.WriteAsync(stream.TenantId ?? "*DEFAULT*", NpgsqlDbType.Varchar, cancellation);
            await copy.WriteAsync(false, NpgsqlDbType.Boolean, cancellation);
        }

        await copy.CompleteAsync(cancellation);
    }

    /// <summary>
    /// Every event, in file order, through binary COPY (constant memory but for one summary per stream), checking
    /// that sequences ascend and summing up each stream into <paramref name="streams"/> when it is given. Without a
    /// <paramref name="connection"/>, only reads: the survey that comes first when the streams must go in first.
    /// </summary>
    private async Task<(long Events, long Last)> WriteEventsAsync(
        NpgsqlConnection? connection, string path, string marker, Dictionary<Guid, StreamSummary>? streams, Action<long>? progress, CancellationToken cancellation)
    {
        await using var copy = connection is null ? null : await connection.BeginBinaryImportAsync(
            $"""
            copy {Schema}.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type,
                                     correlation_id, causation_id, headers, user_name, is_archived) from stdin (format binary)
            """, cancellation);
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        long events = 0, last = 0;
        var lineNumber = 0;
        var headers = new ArrayBufferWriter<byte>(1024);
        await foreach (var line in Lines(file, cancellation))
        {
            lineNumber++;
            if (line.IsEmpty)
            {
                continue;
            }

            var logged = Parse(line.Span, lineNumber);
            if (logged.Sequence <= last)
            {
                throw new InvalidDataException($"Line {lineNumber}: sequence {logged.Sequence} does not follow {last}; an export is in sequence order.");
            }

            if (streams is not null)
            {
                streams[logged.StreamId] = streams.TryGetValue(logged.StreamId, out var known)
                    ? known with { Version = Math.Max(known.Version, logged.Version), Timestamp = logged.RecordedAt }
                    : new StreamSummary(logged.StreamType, logged.TenantId, logged.Version, logged.RecordedAt, logged.RecordedAt);
            }

            last = logged.Sequence;
            if (copy is null)
            {
                continue;
            }

            await copy.StartRowAsync(cancellation);
            await copy.WriteAsync(logged.Sequence, NpgsqlDbType.Bigint, cancellation);
            await copy.WriteAsync(logged.Id, NpgsqlDbType.Uuid, cancellation);
            await copy.WriteAsync(logged.StreamId, NpgsqlDbType.Uuid, cancellation);
            await copy.WriteAsync(logged.Version, NpgsqlDbType.Bigint, cancellation);
            // The payload's own UTF-8 bytes, as the file has them: no text decoding and re-encoding on the way.
            await copy.WriteAsync(new ReadOnlyMemory<byte>(JsonMarshal.GetRawUtf8Value(logged.Data).ToArray()), NpgsqlDbType.Jsonb, cancellation);
            await copy.WriteAsync(logged.Type, NpgsqlDbType.Varchar, cancellation);
            await copy.WriteAsync(logged.RecordedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellation);
            await copy.WriteAsync(logged.TenantId ?? "*DEFAULT*", NpgsqlDbType.Varchar, cancellation);
            await WriteNullableAsync(copy, logged.DotnetType, NpgsqlDbType.Varchar, cancellation);
            await WriteNullableAsync(copy, logged.CorrelationId, NpgsqlDbType.Varchar, cancellation);
            await WriteNullableAsync(copy, logged.CausationId, NpgsqlDbType.Varchar, cancellation);
            await copy.WriteAsync(WithImportHeader(logged.Headers, marker, headers), NpgsqlDbType.Jsonb, cancellation);
            await WriteNullableAsync(copy, logged.User, NpgsqlDbType.Varchar, cancellation);
            await copy.WriteAsync(false, NpgsqlDbType.Boolean, cancellation);

            if (++events % 10_000 == 0)
            {
                progress?.Invoke(events);
            }
        }

        if (copy is not null)
        {
            await copy.CompleteAsync(cancellation);
        }

        progress?.Invoke(events);
        return (events, last);
    }

    /// <summary>The event's own headers with the import marker added (replacing an earlier import's), as UTF-8 JSON.</summary>
    private static ReadOnlyMemory<byte> WithImportHeader(JsonElement? original, string marker, ArrayBufferWriter<byte> buffer)
    {
        buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (original is { ValueKind: JsonValueKind.Object } headers)
            {
                foreach (var header in headers.EnumerateObject())
                {
                    if (header.Name != ImportHeader)
                    {
                        header.WriteTo(writer);
                    }
                }
            }

            writer.WritePropertyName(ImportHeader);
            writer.WriteRawValue(marker, skipInputValidation: true);
            writer.WriteEndObject();
        }

        return buffer.WrittenMemory;
    }

    /// <summary>
    /// The file's lines as UTF-8 bytes, without their line ends (and without a byte-order mark). Each line is valid
    /// until the next is asked for: the buffer is reused, so an import reads gigabytes in constant memory.
    /// </summary>
    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> Lines(Stream stream, [EnumeratorCancellation] CancellationToken cancellation)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            int start = 0, end = 0;
            var first = true;
            while (true)
            {
                var newline = buffer.AsSpan(start, end - start).IndexOf((byte)'\n');
                if (newline < 0)
                {
                    // Move what is left of a line to the front, grow the buffer for a line longer than it, and read on.
                    buffer.AsSpan(start, end - start).CopyTo(buffer);
                    (end, start) = (end - start, 0);
                    if (end == buffer.Length)
                    {
                        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, end).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }

                    var read = await stream.ReadAsync(buffer.AsMemory(end), cancellation);
                    if (read > 0)
                    {
                        end += read;
                        continue;
                    }

                    if (end == 0)
                    {
                        yield break;
                    }

                    newline = end;
                }

                var line = buffer.AsMemory(start, newline);
                start = Math.Min(start + newline + 1, end);
                if (first && line.Span.StartsWith("\uFEFF"u8))
                {
                    line = line[3..];
                }

                first = false;
                yield return line.Span.EndsWith("\r"u8) ? line[..^1] : line;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static LoggedEvent Parse(ReadOnlySpan<byte> line, int lineNumber)
    {
        try
        {
            return JsonSerializer.Deserialize<LoggedEvent>(line, ExportJson)
                   ?? throw new InvalidDataException($"Line {lineNumber} is not an event.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Line {lineNumber} is not an exported event: {e.Message}", e);
        }
    }

    private static readonly JsonSerializerOptions ExportJson = new(JsonSerializerDefaults.Web);

    private static Task WriteNullableAsync(NpgsqlBinaryImporter copy, string? value, NpgsqlDbType type, CancellationToken cancellation) =>
        value is null ? copy.WriteNullAsync(cancellation) : copy.WriteAsync(value, type, cancellation);
}
