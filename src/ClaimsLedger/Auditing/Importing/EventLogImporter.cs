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
        var (hash, streams) = await SurveyAsync(path, cancellation);

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

        await WriteStreamsAsync(connection, streams, cancellation);
        var marker = JsonSerializer.SerializeToNode(new { by = importedBy, at = clock.Now, fileSha256 = hash });
        var (events, last) = await WriteEventsAsync(connection, path, marker!, progress, cancellation);

        if (last > 0)
        {
            await using var sequence = new NpgsqlCommand($"select setval('{Schema}.mt_events_sequence', @last)", connection, transaction);
            sequence.Parameters.AddWithValue("last", last);
            await sequence.ExecuteScalarAsync(cancellation);
        }

        await transaction.CommitAsync(cancellation);
        return new ImportSummary(events, streams.Count, last, hash);
    }

    private sealed record StreamSummary(string? Type, string? TenantId, long Version, DateTimeOffset Created, DateTimeOffset Timestamp);

    /// <summary>First pass: the file's hash, and each stream's type, version and first and last recorded time.</summary>
    private static async Task<(string Hash, Dictionary<Guid, StreamSummary> Streams)> SurveyAsync(string path, CancellationToken cancellation)
    {
        var streams = new Dictionary<Guid, StreamSummary>();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var file = File.OpenRead(path);
        using var reader = new StreamReader(file);
        long previous = 0;
        var lineNumber = 0;
        while (await reader.ReadLineAsync(cancellation) is { } line)
        {
            lineNumber++;
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes(line + "\n"));
            if (line.Length == 0)
            {
                continue;
            }

            var logged = Parse(line, lineNumber);
            if (logged.Sequence <= previous)
            {
                throw new InvalidDataException($"Line {lineNumber}: sequence {logged.Sequence} does not follow {previous}; an export is in sequence order.");
            }

            previous = logged.Sequence;
            streams[logged.StreamId] = streams.TryGetValue(logged.StreamId, out var known)
                ? known with { Version = Math.Max(known.Version, logged.Version), Timestamp = logged.RecordedAt }
                : new StreamSummary(logged.StreamType, logged.TenantId, logged.Version, logged.RecordedAt, logged.RecordedAt);
        }

        return (Convert.ToHexStringLower(sha.GetHashAndReset()), streams);
    }

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

    /// <summary>Second pass: every event, in file order, through binary COPY (constant memory).</summary>
    private async Task<(long Events, long Last)> WriteEventsAsync(
        NpgsqlConnection connection, string path, System.Text.Json.Nodes.JsonNode marker, Action<long>? progress, CancellationToken cancellation)
    {
        await using var copy = await connection.BeginBinaryImportAsync(
            $"""
            copy {Schema}.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type,
                                     correlation_id, causation_id, headers, user_name, is_archived) from stdin (format binary)
            """, cancellation);
        await using var file = File.OpenRead(path);
        using var reader = new StreamReader(file);
        long events = 0, last = 0;
        var lineNumber = 0;
        while (await reader.ReadLineAsync(cancellation) is { } line)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            var logged = Parse(line, lineNumber);
            var headers = logged.Headers is { ValueKind: JsonValueKind.Object } original
                ? System.Text.Json.Nodes.JsonObject.Create(original)!
                : [];
            headers[ImportHeader] = marker.DeepClone();

            await copy.StartRowAsync(cancellation);
            await copy.WriteAsync(logged.Sequence, NpgsqlDbType.Bigint, cancellation);
            await copy.WriteAsync(logged.Id, NpgsqlDbType.Uuid, cancellation);
            await copy.WriteAsync(logged.StreamId, NpgsqlDbType.Uuid, cancellation);
            await copy.WriteAsync(logged.Version, NpgsqlDbType.Bigint, cancellation);
            await copy.WriteAsync(logged.Data.GetRawText(), NpgsqlDbType.Jsonb, cancellation);
            await copy.WriteAsync(logged.Type, NpgsqlDbType.Varchar, cancellation);
            await copy.WriteAsync(logged.RecordedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellation);
            await copy.WriteAsync(logged.TenantId ?? "*DEFAULT*", NpgsqlDbType.Varchar, cancellation);
            await WriteNullableAsync(copy, logged.DotnetType, NpgsqlDbType.Varchar, cancellation);
            await WriteNullableAsync(copy, logged.CorrelationId, NpgsqlDbType.Varchar, cancellation);
            await WriteNullableAsync(copy, logged.CausationId, NpgsqlDbType.Varchar, cancellation);
            await copy.WriteAsync(headers.ToJsonString(), NpgsqlDbType.Jsonb, cancellation);
            await WriteNullableAsync(copy, logged.User, NpgsqlDbType.Varchar, cancellation);
            await copy.WriteAsync(false, NpgsqlDbType.Boolean, cancellation);

            last = logged.Sequence;
            if (++events % 10_000 == 0)
            {
                progress?.Invoke(events);
            }
        }

        await copy.CompleteAsync(cancellation);
        progress?.Invoke(events);
        return (events, last);
    }

    private static LoggedEvent Parse(string line, int lineNumber)
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
