using Marten;
using Npgsql;

namespace ClaimsLedger.Projections;

/// <summary>
/// The secondary indexes of view tables an offline replay has just emptied, dropped while it bulk-loads them and built
/// again from the loaded rows: PostgreSQL's advice for populating a table (https://www.postgresql.org/docs/current/populate.html),
/// as the import does for the event tables. Kept up row by row, each index costs PostgreSQL a search and an insert per
/// document; built afterwards, one sort. Only indexes that back no constraint are dropped (primary keys stay, and with
/// them every foreign key that relies on one), each put back from PostgreSQL's own definition of it
/// (<c>pg_get_indexdef</c>) under its own name, so the tables end exactly as Marten made them and its migration check
/// finds nothing to change. Were the process killed before <see cref="RestoreAsync"/>, `setup` creates the missing
/// indexes again, as it creates anything the schema lacks.
/// </summary>
internal sealed class DeferredIndexes
{
    private readonly List<string> _definitions;

    private DeferredIndexes(List<string> definitions) => _definitions = definitions;

    /// <summary>
    /// Drops the indexes of <paramref name="tables"/> (schema-qualified) that back no constraint, or drops none when the
    /// connection's role does not own every table (the service's runtime role): PostgreSQL then keeps them up row by row.
    /// </summary>
    public static async Task<DeferredIndexes> DropAsync(IDocumentStore store, IReadOnlyCollection<string> tables, CancellationToken cancellation)
    {
        await using var connection = await OpenAsync(store, cancellation);
        await using (var owner = new NpgsqlCommand(
            "select coalesce(bool_and(pg_has_role(relowner, 'MEMBER')), false) from pg_class where oid = any(@tables::regclass[])", connection))
        {
            owner.Parameters.AddWithValue("tables", tables.ToArray());
            if (await owner.ExecuteScalarAsync(cancellation) is not true)
            {
                return new DeferredIndexes([]);
            }
        }

        var indexes = new List<(string Name, string Definition)>();
        await using (var find = new NpgsqlCommand(
            """
            select format('%I.%I', n.nspname, x.relname), pg_get_indexdef(i.indexrelid)
            from pg_index i
            join pg_class x on x.oid = i.indexrelid
            join pg_namespace n on n.oid = x.relnamespace
            where i.indrelid = any(@tables::regclass[])
              and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)
            order by 1
            """, connection))
        {
            find.Parameters.AddWithValue("tables", tables.ToArray());
            await using var reader = await find.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
            {
                indexes.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellation);
        foreach (var (name, _) in indexes)
        {
            await using var drop = new NpgsqlCommand($"drop index {name}", connection, transaction);
            await drop.ExecuteNonQueryAsync(cancellation);
        }

        await transaction.CommitAsync(cancellation);
        return new DeferredIndexes([.. indexes.Select(index => index.Definition)]);
    }

    /// <summary>
    /// Builds every dropped index again from the rows now in the tables, as many at a time as this machine has cores
    /// (an index build is one sort on one core of the database, which is usually a machine of the same size).
    /// </summary>
    public async Task RestoreAsync(IDocumentStore store, CancellationToken cancellation)
    {
        var builds = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellation };
        await Parallel.ForEachAsync(_definitions, builds, async (definition, token) =>
        {
            await using var connection = await OpenAsync(store, token);
            await using var create = new NpgsqlCommand(definition, connection) { CommandTimeout = 0 };
            await create.ExecuteNonQueryAsync(token);
        });
        _definitions.Clear();
    }

    private static async Task<NpgsqlConnection> OpenAsync(IDocumentStore store, CancellationToken cancellation)
    {
        var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellation);
        return connection;
    }
}
