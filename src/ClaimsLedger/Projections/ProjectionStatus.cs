using JasperFx.Events.Projections;
using Marten;
using Npgsql;

namespace ClaimsLedger.Projections;

/// <summary>One view's progress through the log.</summary>
/// <param name="Name">The projection ("StatementDetails", "Positions", ...).</param>
/// <param name="Lifecycle">inline (updated in the appending transaction) or async (by the daemon).</param>
/// <param name="Sequence">The last event sequence it has applied (inline views are always current).</param>
/// <param name="Lag">Events between it and the high-water mark.</param>
/// <param name="Rebuild">The last rebuild started through this service, if any.</param>
public sealed record ProjectionState(string Name, string Lifecycle, long Sequence, long Lag, RebuildState? Rebuild);

/// <summary>The log's head, its high-water mark, each view's progress, and whether the async views are stalled.</summary>
/// <param name="LastSequence">The highest sequence appended (may sit above holes still being committed).</param>
/// <param name="HighWaterMark">The highest sequence below which the log has no holes; readers stop here.</param>
/// <param name="Projections">Each view, inline and async.</param>
/// <param name="Stalled">
/// True when the high-water mark has stayed below <paramref name="LastSequence"/>, without moving, for longer than the
/// stall threshold (<c>Projections:StallThreshold</c>, 10 s by default): a transaction that took the sequence after the
/// mark has neither committed nor ended, and no async view can move past it. Nothing is skipped; the views resume when
/// it commits, or when PostgreSQL ends it (<c>Database:IdleInTransactionTimeout</c>).
/// </param>
/// <param name="StalledSince">While stalled, when this instance first saw the mark held where it is (UTC); otherwise null.</param>
/// <param name="HeldGap">While stalled, the sequence the mark is waiting for (<paramref name="HighWaterMark"/> + 1); otherwise null.</param>
public sealed record ProjectionsStatus(
    long LastSequence,
    long HighWaterMark,
    IReadOnlyList<ProjectionState> Projections,
    bool Stalled = false,
    DateTimeOffset? StalledSince = null,
    long? HeldGap = null);

/// <summary>Reads projection progress from Marten's progression table.</summary>
public sealed class ProjectionStatusReader(IDocumentStore store, ProjectionRebuilds rebuilds, ProjectionStallWatch stalls)
{
    private string HeadSql =>
        $"""
        select coalesce((select max(seq_id) from {store.Options.Events.DatabaseSchemaName}.mt_events), 0),
               coalesce((select max(last_seq_id) from {store.Options.Events.DatabaseSchemaName}.mt_event_progression where name = 'HighWaterMark'), 0)
        """;

    /// <summary>The projections this service runs, with their lifecycles.</summary>
    public IReadOnlyList<(string Name, ProjectionLifecycle Lifecycle)> Catalog() =>
        [.. ((StoreOptions)store.Options).Projections.All.Select(source => (source.Name, source.Lifecycle))];

    public async Task<ProjectionsStatus> ReadAsync(CancellationToken cancellation)
    {
        var schema = store.Options.Events.DatabaseSchemaName;
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellation);
        await using var command = new NpgsqlCommand(
            $"""
            {HeadSql};
            select name, last_seq_id from {schema}.mt_event_progression;
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        await reader.ReadAsync(cancellation);
        var (last, highWater) = (reader.GetInt64(0), reader.GetInt64(1));
        await reader.NextResultAsync(cancellation);
        var progress = new Dictionary<string, long>();
        while (await reader.ReadAsync(cancellation))
        {
            progress[reader.GetString(0)] = reader.GetInt64(1);
        }

        var states = Catalog().Select(projection =>
        {
            var inline = projection.Lifecycle == ProjectionLifecycle.Inline;
            var sequence = inline ? last : progress.GetValueOrDefault($"{projection.Name}:All");
            return new ProjectionState(projection.Name, inline ? "inline" : "async", sequence,
                inline ? 0 : Math.Max(0, highWater - sequence), rebuilds.Latest(projection.Name));
        });
        var stall = stalls.Observe(highWater, last);
        return new ProjectionsStatus(last, highWater, [.. states], stall.Stalled, stall.Since, stall.HeldGap);
    }

    /// <summary>The highest committed sequence and the high-water mark, read in one statement.</summary>
    public async Task<(long LastSequence, long HighWaterMark)> ReadHeadAsync(CancellationToken cancellation)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellation);
        await using var command = new NpgsqlCommand(HeadSql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        await reader.ReadAsync(cancellation);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
