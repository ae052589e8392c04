using Npgsql;

namespace ClaimsLedger.Auditing.Importing;

/// <summary>
/// The indexes and keys of the empty event tables, taken off while an import loads them and built again afterwards, in
/// the import's transaction: PostgreSQL's advice for populating a table
/// (https://www.postgresql.org/docs/current/populate.html). Kept up row by row during the COPY, the events' two indexes
/// cost PostgreSQL two to three times the CPU of building them from the loaded rows, the streams' primary key about
/// twice, and the foreign key was one trigger call and index probe per event instead of one join
/// (docs/benchmarks-history.md, figure 2). Each one is put back from
/// PostgreSQL's own definition of it (<c>pg_get_constraintdef</c>, <c>pg_get_indexdef</c>) under its own name, so the
/// tables end exactly as Marten made them and its migration check finds nothing to change. A failed import rolls the
/// lifting back with everything else, and inside the transaction nothing else sees the tables without them.
/// </summary>
internal sealed class LiftedIndexes
{
    private readonly List<string> _streams = [];
    private readonly List<string> _events = [];
    private readonly List<string> _keys = [];

    private LiftedIndexes()
    {
    }

    /// <summary>
    /// Takes the keys and indexes off, or returns null without touching anything when the connection's role does not own
    /// both tables (the service's runtime role): PostgreSQL then keeps them up row by row. An index that a key of another
    /// table relies on stays.
    /// </summary>
    public static async Task<LiftedIndexes?> LiftAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string schema, CancellationToken cancellation)
    {
        var events = $"{schema}.mt_events";
        var streams = $"{schema}.mt_streams";
        await using (var owner = Command(connection, transaction,
            "select bool_and(pg_has_role(relowner, 'MEMBER')) from pg_class where oid in (@events::regclass, @streams::regclass)", events, streams))
        {
            if (await owner.ExecuteScalarAsync(cancellation) is not true)
            {
                return null;
            }
        }

        var lifted = new LiftedIndexes();
        var keys = new List<(string Name, string Definition)>();
        await using (var find = Command(connection, transaction,
            "select conname, pg_get_constraintdef(oid) from pg_constraint where conrelid = @events::regclass and contype = 'f' order by conname", events, streams))
        await using (var reader = await find.ExecuteReaderAsync(cancellation))
        {
            while (await reader.ReadAsync(cancellation))
            {
                keys.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        foreach (var (name, _) in keys)
        {
            await ExecuteAsync(connection, transaction, $"alter table {events} drop constraint \"{name}\"", cancellation);
        }

        var indexes = new List<(string Table, string Index, string Definition, string? Constraint, string? ConstraintDefinition)>();
        await using (var find = Command(connection, transaction,
            """
            select i.indrelid = @events::regclass, x.relname, pg_get_indexdef(i.indexrelid), k.conname, pg_get_constraintdef(k.oid)
            from pg_index i
            join pg_class x on x.oid = i.indexrelid
            left join pg_constraint k on k.conindid = i.indexrelid and k.conrelid = i.indrelid and k.contype in ('p', 'u', 'x')
            where i.indrelid in (@events::regclass, @streams::regclass)
              and not exists (select 1 from pg_constraint f where f.contype = 'f' and f.conindid = i.indexrelid)
            order by k.conname is null, x.relname
            """, events, streams))
        await using (var reader = await find.ExecuteReaderAsync(cancellation))
        {
            while (await reader.ReadAsync(cancellation))
            {
                indexes.Add((reader.GetBoolean(0) ? events : streams, reader.GetString(1), reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
            }
        }

        foreach (var (table, index, definition, constraint, constraintDefinition) in indexes)
        {
            var restore = table == events ? lifted._events : lifted._streams;
            if (constraint is not null)
            {
                await ExecuteAsync(connection, transaction, $"alter table {table} drop constraint \"{constraint}\"", cancellation);
                restore.Add($"alter table {table} add constraint \"{constraint}\" {constraintDefinition}");
            }
            else
            {
                await ExecuteAsync(connection, transaction, $"drop index {schema}.\"{index}\"", cancellation);
                restore.Add(definition);
            }
        }

        lifted._keys.AddRange(keys.Select(key => $"alter table {events} add constraint \"{key.Name}\" {key.Definition}"));
        return lifted;
    }

    /// <summary>Builds the indexes from the loaded rows and adds the keys back; PostgreSQL checks every row against them as it does.</summary>
    public async Task RestoreAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellation)
    {
        // The streams' primary key before the events' keys, which need it.
        await RestoreAsync(_streams, connection, transaction, cancellation);
        await RestoreEventIndexesAsync(connection, transaction, cancellation);
        await RestoreAsync(_keys, connection, transaction, cancellation);
    }

    /// <summary>Builds the events' indexes (and only those) from the rows loaded so far, if not done yet.</summary>
    public Task RestoreEventIndexesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellation) =>
        RestoreAsync(_events, connection, transaction, cancellation);

    private static async Task RestoreAsync(List<string> statements, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellation)
    {
        foreach (var statement in statements)
        {
            await ExecuteAsync(connection, transaction, statement, cancellation);
        }

        statements.Clear();
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, string events, string streams)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddWithValue("events", events);
        command.Parameters.AddWithValue("streams", streams);
        return command;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellation);
    }
}
