using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;

namespace ClaimsLedger.Bench.Harness;

/// <summary>One event row as the COPY floor writes it: the payload and the columns that place it.</summary>
internal sealed record EventPayload(long Sequence, Guid Id, Guid StreamId, long Version, string Type, string Data, DateTimeOffset At);

/// <summary>
/// The write floor of figures 2 and 3: Npgsql binary COPY of event payloads already in memory, with their
/// ids, stream ids, versions, types and times, into a plain table (no index, no key) created just before
/// and dropped after. Returns rows per second.
/// </summary>
internal static class CopyFloor
{
    public static async Task<double> MeasureAsync(NpgsqlDataSource owner, string table, IReadOnlyList<EventPayload> payloads, CancellationToken cancellation)
    {
        await using var connection = await owner.OpenConnectionAsync(cancellation);
        await using (var create = new NpgsqlCommand(
            $"drop table if exists {table}; create table {table} (seq_id bigint, id uuid, stream_id uuid, version bigint, data jsonb, type varchar, timestamp timestamptz)", connection))
        {
            await create.ExecuteNonQueryAsync(cancellation);
        }

        var watch = Stopwatch.StartNew();
        await using (var copy = await connection.BeginBinaryImportAsync($"copy {table} (seq_id, id, stream_id, version, data, type, timestamp) from stdin (format binary)", cancellation))
        {
            foreach (var payload in payloads)
            {
                await copy.StartRowAsync(cancellation);
                await copy.WriteAsync(payload.Sequence, NpgsqlDbType.Bigint, cancellation);
                await copy.WriteAsync(payload.Id, NpgsqlDbType.Uuid, cancellation);
                await copy.WriteAsync(payload.StreamId, NpgsqlDbType.Uuid, cancellation);
                await copy.WriteAsync(payload.Version, NpgsqlDbType.Bigint, cancellation);
                await copy.WriteAsync(payload.Data, NpgsqlDbType.Jsonb, cancellation);
                await copy.WriteAsync(payload.Type, NpgsqlDbType.Varchar, cancellation);
                await copy.WriteAsync(payload.At.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellation);
            }

            await copy.CompleteAsync(cancellation);
        }

        watch.Stop();
        long rows;
        await using (var count = new NpgsqlCommand($"select count(*) from {table}", connection))
        {
            rows = (long)(await count.ExecuteScalarAsync(cancellation))!;
        }

        await using (var drop = new NpgsqlCommand($"drop table {table}", connection))
        {
            await drop.ExecuteNonQueryAsync(cancellation);
        }

        return rows / watch.Elapsed.TotalSeconds;
    }
}
