using System.Buffers;
using System.Text;
using System.Text.Json;
using Marten;
using Npgsql;
using NpgsqlTypes;

namespace ClaimsLedger.Auditing;

/// <summary>What to read of the log. Sequences bound the range (after, through]; times are recorded time, inclusive.</summary>
public sealed record EventFilter(
    long AfterSequence = 0,
    long? ThroughSequence = null,
    Guid? StreamId = null,
    string? Type = null,
    string? User = null,
    DateTimeOffset? RecordedFrom = null,
    DateTimeOffset? RecordedTo = null);

/// <summary>
/// Reads the raw event log in global sequence order, with every metadata column, straight from
/// PostgreSQL and straight out as JSON (no materialized events). Readers of the log never see past
/// the async daemon's high-water mark: sequence numbers can commit out of order, and below the mark
/// no hole will ever fill in later.
/// </summary>
public sealed class EventLog(IDocumentStore store)
{
    private string Schema => store.Options.Events.DatabaseSchemaName;

    /// <summary>The highest sequence below which the log has no pending holes (0 before the daemon first ran).</summary>
    public async Task<long> HighWaterMarkAsync(CancellationToken cancellation)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellation);
        await using var command = new NpgsqlCommand(HighWaterSql, connection);
        return (long)(await command.ExecuteScalarAsync(cancellation))!;
    }

    private string HighWaterSql =>
        $"select coalesce(max(last_seq_id), 0) from {Schema}.mt_event_progression where name = 'HighWaterMark'";

    /// <summary>
    /// Writes up to <paramref name="limit"/> events as a JSON page (<c>{"items": [...], "nextCursor"}</c>),
    /// or, with <paramref name="ndjson"/>, every matching event as one JSON object per line.
    /// </summary>
    public async Task WriteAsync(Stream output, EventFilter filter, int? limit, bool ndjson, CancellationToken cancellation)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellation);
        await using var command = Select(connection, filter, limit is null ? null : limit + 1);
        // Without SequentialAccess each row is whole in Npgsql's buffer once ReadAsync returns, so its text is copied out
        // as the UTF-8 bytes PostgreSQL sent, with no wait on the network: no string per value, nothing allocated per
        // row, and an export's memory stays what it was at its first row however long the log (docs/benchmarks.md,
        // figure 8). A row larger than Npgsql's buffer is read into a larger one of its own.
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        using var text = new TextColumns();

        if (ndjson)
        {
            // One reusable buffer: memory stays constant however long the log.
            var buffer = new ArrayBufferWriter<byte>(64 * 1024);
            await using var line = new Utf8JsonWriter(buffer);
            while (await reader.ReadAsync(cancellation))
            {
                WriteEvent(line, reader, text);
                line.Flush();
                line.Reset();
                buffer.Write("\n"u8);
                if (buffer.WrittenCount >= 48 * 1024)
                {
                    await output.WriteAsync(buffer.WrittenMemory, cancellation);
                    buffer.ResetWrittenCount();
                }
            }

            await output.WriteAsync(buffer.WrittenMemory, cancellation);
            await output.FlushAsync(cancellation);
            return;
        }

        await using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WritePropertyName("items");
        json.WriteStartArray();
        var written = 0;
        long last = 0;
        var more = false;
        while (await reader.ReadAsync(cancellation))
        {
            if (written == limit)
            {
                more = true;
                break;
            }

            last = WriteEvent(json, reader, text);
            written++;
        }

        json.WriteEndArray();
        if (more)
        {
            json.WriteString("nextCursor", last.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        else
        {
            json.WriteNull("nextCursor");
        }

        json.WriteEndObject();
        await json.FlushAsync(cancellation);
    }

    private NpgsqlCommand Select(NpgsqlConnection connection, EventFilter filter, int? limit)
    {
        var sql = new StringBuilder($"""
            select e.seq_id, e.id, e.stream_id, s.type, e.version, e.type, e.mt_dotnet_type, e.timestamp, e.tenant_id,
                   e.user_name, e.correlation_id, e.causation_id, e.headers::text, e.data::text
            from {Schema}.mt_events e left join {Schema}.mt_streams s on s.id = e.stream_id
            where e.seq_id > @after and e.seq_id <= ({HighWaterSql})
            """);
        var command = new NpgsqlCommand { Connection = connection, CommandTimeout = 0 };
        command.Parameters.AddWithValue("after", filter.AfterSequence);
        Where(filter.ThroughSequence, "e.seq_id <= @through", "through", NpgsqlDbType.Bigint);
        Where(filter.StreamId, "e.stream_id = @stream", "stream", NpgsqlDbType.Uuid);
        Where(filter.Type, "e.type = @type", "type", NpgsqlDbType.Varchar);
        Where(filter.User, "e.user_name = @user", "user", NpgsqlDbType.Varchar);
        Where(filter.RecordedFrom, "e.timestamp >= @from", "from", NpgsqlDbType.TimestampTz);
        Where(filter.RecordedTo, "e.timestamp <= @to", "to", NpgsqlDbType.TimestampTz);
        sql.Append(" order by e.seq_id");
        if (limit is not null)
        {
            sql.Append(" limit @limit");
            command.Parameters.AddWithValue("limit", limit.Value);
        }

        command.CommandText = sql.ToString();
        return command;

        void Where(object? value, string clause, string name, NpgsqlDbType type)
        {
            if (value is null)
            {
                return;
            }

            sql.Append(" and ").Append(clause);
            command.Parameters.Add(new NpgsqlParameter(name, type) { Value = value is DateTimeOffset moment ? moment.ToUniversalTime() : value });
        }
    }

    /// <summary>One event, every column, in the field order documented for exports; returns its sequence.</summary>
    private static long WriteEvent(Utf8JsonWriter json, NpgsqlDataReader reader, TextColumns text)
    {
        var sequence = reader.GetInt64(0);
        json.WriteStartObject();
        json.WriteNumber("sequence", sequence);
        json.WriteString("id", reader.GetGuid(1));
        json.WriteString("streamId", reader.GetGuid(2));
        WriteNullable(json, "streamType", reader, 3, text);
        json.WriteNumber("version", reader.GetInt64(4));
        json.WriteString("type", text.Of(reader, 5));
        WriteNullable(json, "dotnetType", reader, 6, text);
        json.WriteString("recordedAt", reader.GetFieldValue<DateTimeOffset>(7));
        WriteNullable(json, "tenantId", reader, 8, text);
        WriteNullable(json, "user", reader, 9, text);
        WriteNullable(json, "correlationId", reader, 10, text);
        WriteNullable(json, "causationId", reader, 11, text);
        json.WritePropertyName("headers");
        if (reader.IsDBNull(12))
        {
            json.WriteNullValue();
        }
        else
        {
            json.WriteRawValue(text.Of(reader, 12), skipInputValidation: true);
        }

        json.WritePropertyName("data");
        json.WriteRawValue(text.Of(reader, 13), skipInputValidation: true);
        json.WriteEndObject();
        return sequence;
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, NpgsqlDataReader reader, int ordinal, TextColumns text)
    {
        if (reader.IsDBNull(ordinal))
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, text.Of(reader, ordinal));
        }
    }

    /// <summary>
    /// A text column's UTF-8 bytes, copied out of Npgsql's row buffer into one array reused for every column of every
    /// row: valid until the next column is asked for. (The writer escapes UTF-8 as it escapes the same text as a string.)
    /// </summary>
    private sealed class TextColumns : IDisposable
    {
        private byte[] _bytes = ArrayPool<byte>.Shared.Rent(16 * 1024);

        public ReadOnlySpan<byte> Of(NpgsqlDataReader reader, int ordinal)
        {
            var length = (int)reader.GetBytes(ordinal, 0, null, 0, 0);
            if (length > _bytes.Length)
            {
                ArrayPool<byte>.Shared.Return(_bytes);
                _bytes = ArrayPool<byte>.Shared.Rent(length);
            }

            return _bytes.AsSpan(0, (int)reader.GetBytes(ordinal, 0, _bytes, 0, length));
        }

        public void Dispose() => ArrayPool<byte>.Shared.Return(_bytes);
    }
}

/// <summary>One event as the log and its NDJSON export carry it.</summary>
public sealed record LoggedEvent(
    long Sequence,
    Guid Id,
    Guid StreamId,
    string? StreamType,
    long Version,
    string Type,
    string? DotnetType,
    DateTimeOffset RecordedAt,
    string? TenantId,
    string? User,
    string? CorrelationId,
    string? CausationId,
    JsonElement? Headers,
    JsonElement Data);
