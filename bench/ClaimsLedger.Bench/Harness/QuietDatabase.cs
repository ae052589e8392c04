using System.Diagnostics;
using Npgsql;

namespace ClaimsLedger.Bench.Harness;

/// <summary>
/// Brings a freshly seeded schema to the state a running system is in, so a latency figure measures reads and
/// not PostgreSQL's housekeeping of the seed: statistics gathered and the visibility map set (VACUUM ANALYZE,
/// as autovacuum would do soon after), and no autovacuum worker busy on the two shared cores when a load starts.
/// </summary>
internal static class QuietDatabase
{
    /// <summary>VACUUM (ANALYZE) of every table in <paramref name="schema"/>, as its owner.</summary>
    public static async Task VacuumAnalyzeAsync(string ownerConnection, string schema, CancellationToken cancellation)
    {
        await using var source = NpgsqlDataSource.Create(ownerConnection);
        var tables = new List<string>();
        await using (var list = source.CreateCommand("select quote_ident(schemaname) || '.' || quote_ident(tablename) from pg_tables where schemaname = $1"))
        {
            list.Parameters.AddWithValue(schema);
            await using var reader = await list.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
            {
                tables.Add(reader.GetString(0));
            }
        }

        foreach (var table in tables)
        {
            // One statement per table: VACUUM cannot run inside the transaction a multi-statement command opens.
            await using var vacuum = source.CreateCommand($"vacuum (analyze) {table}");
            await vacuum.ExecuteNonQueryAsync(cancellation);
        }
    }

    /// <summary>
    /// Waits until every async shard of the service on <paramref name="schema"/> (its views and subscriptions) has
    /// reached the log's last event, and returns how long that took; throws after <paramref name="atMost"/>.
    /// </summary>
    public static async Task<TimeSpan> WaitForDaemonAsync(NpgsqlDataSource source, string schema, TimeSpan atMost, CancellationToken cancellation)
    {
        var waited = Stopwatch.StartNew();
        long behind = -1;
        while (waited.Elapsed < atMost)
        {
            await using var command = source.CreateCommand(
                $"select (select coalesce(max(seq_id), 0) from {schema}.mt_events) - " +
                $"coalesce((select min(last_seq_id) from {schema}.mt_event_progression where name <> 'HighWaterMark'), 0)");
            behind = (long)(await command.ExecuteScalarAsync(cancellation))!;
            if (behind <= 0)
            {
                return waited.Elapsed;
            }

            await Task.Delay(250, cancellation);
        }

        throw new TimeoutException($"The async views on {schema} were still {behind} events behind the log after {atMost.TotalSeconds:N0} s.");
    }

    /// <summary>
    /// Waits (at most <paramref name="atMost"/>) until no autovacuum worker is running in the cluster, and returns
    /// how long that took: autovacuum wakes on its own after a figure's writes, and one busy on a shared core during
    /// a measured window would be charged to whichever side happened to be running.
    /// </summary>
    public static async Task<TimeSpan> WaitForAutovacuumAsync(NpgsqlDataSource source, TimeSpan atMost, CancellationToken cancellation)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < atMost)
        {
            await using var command = source.CreateCommand("select count(*) from pg_stat_activity where backend_type = 'autovacuum worker'");
            if ((long)(await command.ExecuteScalarAsync(cancellation))! == 0)
            {
                break;
            }

            await Task.Delay(200, cancellation);
        }

        return waited.Elapsed;
    }
}
