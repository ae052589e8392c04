using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ClaimsLedger.Infrastructure;
using Marten;
using Npgsql;

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

    private const string EventColumns =
        "seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, correlation_id, causation_id, headers, user_name, is_archived";

    private const string StreamColumns = "id, type, version, timestamp, created, tenant_id, is_archived";

    private string Schema => store.Options.Events.DatabaseSchemaName;

    public async Task<ImportSummary> ImportAsync(string path, string importedBy, Action<long>? progress, CancellationToken cancellation)
    {
        // Every event's import header carries the file's hash, so it is needed before the first row: hash the file
        // while Marten checks the schema (round trips to PostgreSQL), not after. Marten's failure, if any, comes first.
        var migrating = store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var hashing = Task.Run(() => HashFile(path, cancellation), cancellation);
        await Task.WhenAll(migrating, hashing);
        var hash = await hashing;

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

        var marker = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { by = importedBy, at = clock.Now, fileSha256 = hash }));
        var streams = new Dictionary<Guid, StreamSummary>();
        long events, last;
        // A failed import rolls the lifting back with everything else.
        if (await LiftedIndexes.LiftAsync(connection, transaction, Schema, cancellation) is { } lifted)
        {
            // One pass: the events go in first and the streams are summed up on the way.
            (events, last) = await WriteEventsAsync(connection, path, marker, streams, progress, cancellation,
                restoreUniqueVersions: () => lifted.RestoreEventIndexesAsync(connection, transaction, cancellation));
            await WriteStreamsAsync(connection, streams, cancellation);
            await lifted.RestoreAsync(connection, transaction, cancellation);
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

    /// <summary>The file's SHA-256, read in large blocks (the file can be gigabytes).</summary>
    private static string HashFile(string path, CancellationToken cancellation)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            int read;
            while ((read = file.Read(buffer)) > 0)
            {
                cancellation.ThrowIfCancellationRequested();
                sha256.AppendData(buffer, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return Convert.ToHexStringLower(sha256.GetHashAndReset());
    }

    private record struct StreamSummary(string? Type, string? TenantId, long Version, DateTimeOffset Created, DateTimeOffset Timestamp);

    private async Task WriteStreamsAsync(NpgsqlConnection connection, Dictionary<Guid, StreamSummary> streams, CancellationToken cancellation)
    {
        await using var copy = await BinaryCopyWriter.BeginAsync(connection, $"{Schema}.mt_streams", StreamColumns, cancellation);
        foreach (var (id, stream) in streams)
        {
            copy.StartRow(7);
            copy.WriteUuid(id);
            copy.WriteText(stream.Type);
            copy.WriteBigint(stream.Version);
            copy.WriteTimestampTz(stream.Timestamp);
            copy.WriteTimestampTz(stream.Created);
            copy.WriteText(stream.TenantId ?? "*DEFAULT*");
            copy.WriteBoolean(false);
            await copy.FlushIfFullAsync(cancellation);
        }

        await copy.CompleteAsync(cancellation);
    }

    /// <summary>
    /// Every event, in file order, through binary COPY (constant memory but for one summary per stream), checking
    /// that sequences ascend and summing up each stream into <paramref name="streams"/> when it is given. Without a
    /// <paramref name="connection"/>, only reads: the survey that comes first when the streams must go in first.
    /// When the events' indexes were lifted, <paramref name="restoreUniqueVersions"/> puts them back before the first event
    /// whose version does not follow its stream's last one (no export has one), so that an event repeating a stream's
    /// version is refused by PostgreSQL as it is copied, with the same error as when the indexes stayed.
    /// </summary>
    private async Task<(long Events, long Last)> WriteEventsAsync(
        NpgsqlConnection? connection, string path, byte[] marker, Dictionary<Guid, StreamSummary>? streams, Action<long>? progress,
        CancellationToken cancellation, Func<Task>? restoreUniqueVersions = null)
    {
        var copy = connection is null ? null : await BeginEventsAsync(connection, cancellation);
        try
        {
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
            var state = new ReadState(streams, marker) { VersionsMustAscend = restoreUniqueVersions is not null };
            await foreach (var line in Lines(file, cancellation))
            {
                state.LineNumber++;
                if (line.IsEmpty)
                {
                    continue;
                }

                var read = Read(line.Span, copy, state);
                if (read == Row.VersionNotAscending)
                {
                    // End this COPY, so that the indexes can be built from what it wrote, and go on in another.
                    await copy!.CompleteAsync(cancellation);
                    await copy.DisposeAsync();
                    copy = null;
                    await restoreUniqueVersions!();
                    copy = await BeginEventsAsync(connection!, cancellation);
                    state.VersionsMustAscend = false;
                    read = Read(line.Span, copy, state);
                }

                if (read != Row.Written)
                {
                    continue;
                }

                await copy!.FlushIfFullAsync(cancellation);
                if (state.Events % 10_000 == 0)
                {
                    progress?.Invoke(state.Events);
                }
            }

            if (copy is not null)
            {
                await copy.CompleteAsync(cancellation);
            }

            progress?.Invoke(state.Events);
            return (state.Events, state.Last);
        }
        finally
        {
            if (copy is not null)
            {
                await copy.DisposeAsync();
            }
        }
    }

    private Task<BinaryCopyWriter> BeginEventsAsync(NpgsqlConnection connection, CancellationToken cancellation) =>
        BinaryCopyWriter.BeginAsync(connection, $"{Schema}.mt_events", EventColumns, cancellation);

    private enum Row
    {
        Surveyed,
        Written,
        VersionNotAscending,
    }

    private sealed class ReadState(Dictionary<Guid, StreamSummary>? streams, byte[] marker)
    {
        public Dictionary<Guid, StreamSummary>? Streams { get; } = streams;
        public byte[] Marker { get; } = marker;
        public ArrayBufferWriter<byte> Headers { get; } = new(1024);
        public int LineNumber { get; set; }
        public long Events { get; set; }
        public long Last { get; set; }
        public string? LastStreamType { get; set; }
        public string? LastTenantId { get; set; }
        public bool VersionsMustAscend { get; set; }
    }

    /// <summary>
    /// Reads one line, checks it follows the last, sums up its stream, and writes its row to <paramref name="copy"/>
    /// (when given). Changes nothing when it answers <see cref="Row.VersionNotAscending"/>.
    /// </summary>
    private static Row Read(ReadOnlySpan<byte> line, BinaryCopyWriter? copy, ReadState state)
    {
        if (!ExportedEvent.TryRead(line, out var logged))
        {
            logged = ExportedEvent.Of(Parse(line, state.LineNumber));
        }

        if (logged.Sequence <= state.Last)
        {
            throw new InvalidDataException($"Line {state.LineNumber}: sequence {logged.Sequence} does not follow {state.Last}; an export is in sequence order.");
        }

        if (state.Streams is { } streams)
        {
            ref var stream = ref CollectionsMarshal.GetValueRefOrAddDefault(streams, logged.StreamId, out var known);
            if (known)
            {
                if (state.VersionsMustAscend && logged.Version <= stream.Version)
                {
                    return Row.VersionNotAscending;
                }

                stream = stream with { Version = Math.Max(stream.Version, logged.Version), Timestamp = logged.RecordedAt };
            }
            else
            {
                state.LastStreamType = logged.StreamType.AsString(state.LastStreamType);
                state.LastTenantId = logged.TenantId.AsString(state.LastTenantId);
                stream = new StreamSummary(state.LastStreamType, state.LastTenantId, logged.Version, logged.RecordedAt, logged.RecordedAt);
            }
        }

        state.Last = logged.Sequence;
        if (copy is null)
        {
            return Row.Surveyed;
        }

        copy.StartRow(14);
        copy.WriteBigint(logged.Sequence);
        copy.WriteUuid(logged.Id);
        copy.WriteUuid(logged.StreamId);
        copy.WriteBigint(logged.Version);
        // The payload's own UTF-8 bytes, as the file has them: no text decoding and re-encoding on the way.
        copy.WriteJsonb(logged.Logged is { } parsed ? JsonMarshal.GetRawUtf8Value(parsed.Data) : logged.Data);
        logged.Type.WriteTo(copy);
        copy.WriteTimestampTz(logged.RecordedAt);
        if (logged.TenantId.IsNull)
        {
            copy.WriteText("*DEFAULT*"u8);
        }
        else
        {
            logged.TenantId.WriteTo(copy);
        }

        logged.DotnetType.WriteTo(copy);
        logged.CorrelationId.WriteTo(copy);
        logged.CausationId.WriteTo(copy);
        WriteHeaders(copy, logged, state);
        logged.User.WriteTo(copy);
        copy.WriteBoolean(false);
        state.Events++;
        return Row.Written;
    }

    /// <summary>The event's own headers with the import marker added (replacing an earlier import's).</summary>
    private static void WriteHeaders(BinaryCopyWriter copy, scoped in ExportedEvent logged, ReadState state)
    {
        if (logged.Logged is { } parsed)
        {
            copy.WriteJsonb(WithImportHeader(parsed.Headers, state.Marker, state.Headers).Span);
        }
        else if (logged.Headers.IsEmpty)
        {
            copy.WriteJsonb("{\"import\":"u8, state.Marker, "}"u8);
        }
        else
        {
            // The object's JSON up to its closing brace, then the marker: see ExportedEvent.ReadHeaders for why this is
            // the same jsonb as the object re-written without an earlier import header.
            copy.WriteJsonb(logged.Headers[..^1], logged.HeadersHaveProperties ? ",\"import\":"u8 : "\"import\":"u8, state.Marker, "}"u8);
        }
    }

    /// <summary>The event's own headers with the import marker added (replacing an earlier import's), as UTF-8 JSON.</summary>
    private static ReadOnlyMemory<byte> WithImportHeader(JsonElement? original, byte[] marker, ArrayBufferWriter<byte> buffer)
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
}
