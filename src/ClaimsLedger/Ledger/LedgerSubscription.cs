using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;
using Npgsql;

namespace ClaimsLedger.Ledger;

/// <summary>
/// Keeps the ledger's tree in step with the log: the daemon hands it every event in sequence order
/// (never past the high-water mark, so no hole fills in later), it hashes each event's stored row as
/// a leaf, and writes the leaf and the subtrees it completes in the same transaction that records its
/// progress. A page it has already written (a replay) is skipped, event by event.
/// </summary>
public sealed class LedgerSubscription : SubscriptionBase
{
    public const string SubscriptionName = "Ledger";

    public LedgerSubscription()
    {
        Name = SubscriptionName;
    }

    public override async Task<IChangeListener> ProcessEventsAsync(
        EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken cancellationToken)
    {
        var store = operations.DocumentStore;
        var tree = new LedgerTree(store);
        var schema = store.Options.Events.DatabaseSchemaName;
        await using var connection = await tree.OpenAsync(cancellationToken);
        var (size, lastSequence) = await tree.HeadAsync(connection, cancellationToken);
        var growth = new TreeGrowth(size, await tree.LoadAsync(connection, LedgerTree.Frontier(size), cancellationToken));

        await using var command = new NpgsqlCommand(
            $"select {LedgerEvent.Columns} from {schema}.mt_events where seq_id > @after and seq_id <= @ceiling order by seq_id", connection);
        command.Parameters.AddWithValue("after", Math.Max(page.SequenceFloor, lastSequence));
        command.Parameters.AddWithValue("ceiling", page.SequenceCeiling);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var logged = LedgerEvent.Read(reader);
            var leaf = logged.LeafHash();
            operations.QueueSqlCommand(
                $"insert into {schema}.ledger_leaves (leaf_index, seq_id, event_id, leaf_hash) values (?, ?, ?, ?)",
                growth.Size, logged.Sequence, logged.Id, leaf);
            foreach (var (key, hash) in growth.Append(leaf))
            {
                operations.QueueSqlCommand(
                    $"insert into {schema}.ledger_nodes (level, node_index, hash) values (?, ?, ?)", key.Level, key.Index, hash);
            }
        }

        return NullChangeListener.Instance;
    }
}
