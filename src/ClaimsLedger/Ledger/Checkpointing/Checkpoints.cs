using ClaimsLedger.Infrastructure;
using Marten;
using Npgsql;

namespace ClaimsLedger.Ledger.Checkpointing;

/// <summary>Issues signed tree heads and reads them back from their append-only table.</summary>
public sealed partial class Checkpoints(IDocumentStore store, LedgerTree tree, LedgerKey key, LedgerClock clock, ILogger<Checkpoints> logger)
{
    private string Schema => store.Options.Events.DatabaseSchemaName;

    /// <summary>
    /// Signs the tree as it stands. Costs O(log n): the root comes from the stored perfect subtrees.
    /// Asking again before the tree has grown returns the same checkpoint; null while the tree is empty.
    /// </summary>
    public async Task<Checkpoint?> IssueAsync(CancellationToken cancellation)
    {
        await using var connection = await tree.OpenAsync(cancellation);
        var (size, _) = await tree.HeadAsync(connection, cancellation);
        if (size == 0)
        {
            return null;
        }

        if (await FindAsync(connection, size, cancellation) is { } existing)
        {
            return existing;
        }

        var root = await tree.ComputeAsync(connection, proofs => proofs.Root(size), cancellation);
        var checkpoint = key.Sign(size, root, clock.Now);
        await using var insert = new NpgsqlCommand(
            $"""
            insert into {Schema}.ledger_checkpoints (tree_size, root_hash, created_at, key_id, signature)
            values (@size, @root, @at, @key, @signature) on conflict (tree_size) do nothing
            """, connection);
        insert.Parameters.AddWithValue("size", size);
        insert.Parameters.AddWithValue("root", root);
        insert.Parameters.AddWithValue("at", checkpoint.CreatedAt);
        insert.Parameters.AddWithValue("key", checkpoint.KeyId);
        insert.Parameters.AddWithValue("signature", Convert.FromBase64String(checkpoint.Signature));
        await insert.ExecuteNonQueryAsync(cancellation);
        LogIssued(logger, size);
        return await FindAsync(connection, size, cancellation);
    }

    public async Task<Checkpoint?> LatestAsync(CancellationToken cancellation)
    {
        await using var connection = await tree.OpenAsync(cancellation);
        return (await ReadAsync(connection, Schema, "order by tree_size desc limit 1", null, cancellation)).FirstOrDefault();
    }

    public async Task<Checkpoint?> FindAsync(long size, CancellationToken cancellation)
    {
        await using var connection = await tree.OpenAsync(cancellation);
        return await FindAsync(connection, size, cancellation);
    }

    /// <summary>Checkpoints by tree size, after <paramref name="afterSize"/>, at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<Checkpoint>> ListAsync(long afterSize, int limit, CancellationToken cancellation)
    {
        await using var connection = await tree.OpenAsync(cancellation);
        return await ReadAsync(connection, Schema, $"where tree_size > @size order by tree_size limit {limit}", afterSize, cancellation);
    }

    private async Task<Checkpoint?> FindAsync(NpgsqlConnection connection, long size, CancellationToken cancellation) =>
        (await ReadAsync(connection, Schema, "where tree_size = @size", size, cancellation)).FirstOrDefault();

    /// <summary>The stored checkpoints of <paramref name="schema"/> that <paramref name="clause"/> selects (<c>@size</c> bound to <paramref name="size"/>).</summary>
    internal static async Task<List<Checkpoint>> ReadAsync(NpgsqlConnection connection, string schema, string clause, long? size, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand(
            $"select tree_size, root_hash, created_at, key_id, signature from {schema}.ledger_checkpoints {clause}", connection);
        if (size is not null)
        {
            command.Parameters.AddWithValue("size", size.Value);
        }

        var found = new List<Checkpoint>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            found.Add(new Checkpoint(Checkpoint.CurrentFormat, reader.GetInt64(0), Convert.ToBase64String((byte[])reader[1]),
                reader.GetFieldValue<DateTimeOffset>(2), reader.GetString(3), Convert.ToBase64String((byte[])reader[4])));
        }

        return found;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Checkpoint issued at tree size {Size}")]
    private static partial void LogIssued(ILogger logger, long size);
}

/// <summary>Issues a checkpoint on a schedule (Ledger:CheckpointInterval, default 5 minutes; 0 turns it off) when the tree has grown.</summary>
public sealed partial class CheckpointSchedule(Checkpoints checkpoints, IConfiguration configuration, ILogger<CheckpointSchedule> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = configuration.GetValue("Ledger:CheckpointInterval", TimeSpan.FromMinutes(5));
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await checkpoints.IssueAsync(stoppingToken);
                }
                catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
                {
                    LogFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // A host that fails to start disposes the timer without cancelling stoppingToken: that is a stop, not a fault.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scheduled checkpoint failed; the next tick tries again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
