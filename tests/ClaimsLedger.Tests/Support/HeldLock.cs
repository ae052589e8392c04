using Npgsql;

namespace ClaimsLedger.Tests.Support;

/// <summary>
/// Locks taken as the schema owner in a transaction left open, from a connection of the test's own: whatever
/// needs them waits in PostgreSQL until <see cref="ReleaseAsync"/> (or disposal, which rolls back).
/// </summary>
public sealed class HeldLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;

    private HeldLock(NpgsqlConnection connection, NpgsqlTransaction transaction) =>
        (_connection, _transaction) = (connection, transaction);

    /// <summary>Runs <paramref name="sql"/> (a <c>lock table</c>, a <c>select ... for update</c>) and keeps its locks.</summary>
    public static async Task<HeldLock> TakeAsync(string sql)
    {
        var connection = new NpgsqlConnection(AppFixture.ConnectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync();
        return new HeldLock(connection, transaction);
    }

    /// <summary>How many backends wait for these locks now.</summary>
    /// <remarks>
    /// Asked on a connection of its own: inside the holding transaction, PostgreSQL would keep answering from the
    /// list of backends it read the first time, and miss connections opened since.
    /// </remarks>
    public async Task<long> WaitersAsync()
    {
        await using var connection = new NpgsqlConnection(AppFixture.ConnectionString);
        await connection.OpenAsync();
        await using var waiting = new NpgsqlCommand("select count(*) from pg_stat_activity where @holder = any(pg_blocking_pids(pid))", connection);
        waiting.Parameters.AddWithValue("holder", _connection.ProcessID);
        return (long)(await waiting.ExecuteScalarAsync())!;
    }

    /// <summary>Returns once <paramref name="count"/> backends wait for these locks; fails after <paramref name="patience"/>.</summary>
    public async Task WaitForWaitersAsync(int count, TimeSpan patience)
    {
        using var timeout = new CancellationTokenSource(patience);
        while (await WaitersAsync() < count)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), timeout.Token);
        }
    }

    /// <summary>Lets the waiters go on.</summary>
    public Task ReleaseAsync() => _transaction.CommitAsync();

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
