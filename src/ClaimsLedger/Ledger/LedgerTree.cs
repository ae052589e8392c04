using Marten;
using Npgsql;
using NpgsqlTypes;

namespace ClaimsLedger.Ledger;

/// <summary>A node of the stored tree: level 0 is a leaf, level L covers 2^L leaves from index·2^L.</summary>
public readonly record struct NodeKey(int Level, long Index);

/// <summary>
/// The ledger's stored tree: leaves in ledger_leaves (one per event, in sequence order), and every
/// perfect subtree above them in ledger_nodes. Roots and proofs for any size up to the current one
/// are assembled from O(log n) stored nodes.
/// </summary>
public sealed class LedgerTree(IDocumentStore store)
{
    private string Schema => store.Options.Events.DatabaseSchemaName;

    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellation)
    {
        var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellation);
        return connection;
    }

    /// <summary>How many leaves the tree has, and the sequence of the last one (0 when empty).</summary>
    public async Task<(long Size, long LastSequence)> HeadAsync(NpgsqlConnection connection, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand(
            $"select coalesce(max(leaf_index) + 1, 0), coalesce(max(seq_id), 0) from {Schema}.ledger_leaves", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        await reader.ReadAsync(cancellation);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>The perfect subtrees whose concatenation is the tree of <paramref name="size"/> leaves, largest first.</summary>
    public static IEnumerable<NodeKey> Frontier(long size)
    {
        long start = 0;
        for (var level = 62; level >= 0; level--)
        {
            if ((size & (1L << level)) != 0)
            {
                yield return new NodeKey(level, start >> level);
                start += 1L << level;
            }
        }
    }

    public async Task<Dictionary<NodeKey, byte[]>> LoadAsync(NpgsqlConnection connection, IEnumerable<NodeKey> keys, CancellationToken cancellation)
    {
        var wanted = keys.Distinct().ToList();
        var found = new Dictionary<NodeKey, byte[]>();
        var leaves = wanted.Where(key => key.Level == 0).Select(key => key.Index).ToArray();
        var nodes = wanted.Where(key => key.Level > 0).ToList();
        if (leaves.Length > 0)
        {
            await using var command = new NpgsqlCommand($"select leaf_index, leaf_hash from {Schema}.ledger_leaves where leaf_index = any(@indexes)", connection);
            command.Parameters.Add(new NpgsqlParameter("indexes", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = leaves });
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
            {
                found[new NodeKey(0, reader.GetInt64(0))] = (byte[])reader[1];
            }
        }

        if (nodes.Count > 0)
        {
            await using var command = new NpgsqlCommand(
                $"select n.level, n.node_index, n.hash from {Schema}.ledger_nodes n join unnest(@levels, @indexes) k(level, node_index) using (level, node_index)",
                connection);
            command.Parameters.Add(new NpgsqlParameter("levels", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = nodes.Select(key => key.Level).ToArray() });
            command.Parameters.Add(new NpgsqlParameter("indexes", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = nodes.Select(key => key.Index).ToArray() });
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
            {
                found[new NodeKey(reader.GetInt32(0), reader.GetInt64(1))] = (byte[])reader[2];
            }
        }

        if (found.Count != wanted.Count)
        {
            var missing = wanted.First(key => !found.ContainsKey(key));
            throw new InvalidOperationException($"The ledger has no node at level {missing.Level}, index {missing.Index}.");
        }

        return found;
    }

    /// <summary>
    /// Runs a proof computation against the stored tree in two passes: the first only records which
    /// nodes it reads, the second reads them from one batched query.
    /// </summary>
    public async Task<T> ComputeAsync<T>(NpgsqlConnection connection, Func<MerkleProofs, T> compute, CancellationToken cancellation)
    {
        var needed = new HashSet<NodeKey>();
        compute(new MerkleProofs((level, index) =>
        {
            needed.Add(new NodeKey(level, index));
            return new byte[Merkle.HashSize];
        }));
        var nodes = await LoadAsync(connection, needed, cancellation);
        return compute(new MerkleProofs((level, index) => nodes[new NodeKey(level, index)]));
    }
}

/// <summary>
/// Grows a tree one leaf at a time from its frontier (the perfect subtrees of its current size), and
/// reports every perfect subtree each leaf completes: O(log n) work and storage per event.
/// </summary>
public sealed class TreeGrowth
{
    private readonly List<(NodeKey Key, byte[] Hash)> _frontier;

    public TreeGrowth(long size, IReadOnlyDictionary<NodeKey, byte[]> frontier)
    {
        Size = size;
        _frontier = [.. LedgerTree.Frontier(size).Select(key => (key, frontier[key]))];
    }

    public long Size { get; private set; }

    /// <summary>Appends a leaf; returns the nodes above level 0 that it completed.</summary>
    public List<(NodeKey Key, byte[] Hash)> Append(byte[] leafHash)
    {
        var completed = new List<(NodeKey, byte[])>();
        _frontier.Add((new NodeKey(0, Size), leafHash));
        Size++;
        while (_frontier.Count >= 2 && _frontier[^1].Key.Level == _frontier[^2].Key.Level)
        {
            var (right, left) = (_frontier[^1], _frontier[^2]);
            _frontier.RemoveRange(_frontier.Count - 2, 2);
            var parent = (new NodeKey(left.Key.Level + 1, left.Key.Index >> 1), Merkle.NodeHash(left.Hash, right.Hash));
            _frontier.Add(parent);
            completed.Add(parent);
        }

        return completed;
    }

    /// <summary>The root of the tree as it now stands.</summary>
    public byte[] Root()
    {
        if (_frontier.Count == 0)
        {
            return Merkle.EmptyRoot();
        }

        var root = _frontier[^1].Hash;
        for (var i = _frontier.Count - 2; i >= 0; i--)
        {
            root = Merkle.NodeHash(_frontier[i].Hash, root);
        }

        return root;
    }
}

/// <summary>
/// The right edge of a tree grown one leaf at a time, without allocating: one perfect subtree's hash per set bit
/// of the size. The same roots as <see cref="TreeGrowth"/>, for a walk over the whole log that stores nothing.
/// </summary>
internal sealed class MerkleFrontier
{
    private readonly byte[] _hashes = new byte[64 * Merkle.HashSize];
    private readonly byte[] _node = new byte[1 + (2 * Merkle.HashSize)];

    public long Size { get; private set; }

    public void Append(ReadOnlySpan<byte> leafHash)
    {
        Span<byte> carry = stackalloc byte[Merkle.HashSize];
        leafHash.CopyTo(carry);
        var level = 0;
        while (((Size >> level) & 1) == 1)
        {
            NodeHash(Slot(level), carry, carry);
            level++;
        }

        carry.CopyTo(Slot(level));
        Size++;
    }

    public byte[] Root()
    {
        if (Size == 0)
        {
            return Merkle.EmptyRoot();
        }

        // The smallest subtree is the rightmost; each larger one joins it from the left.
        var root = new byte[Merkle.HashSize];
        var first = true;
        for (var level = 0; level < 64; level++)
        {
            if (((Size >> level) & 1) == 0)
            {
                continue;
            }

            if (first)
            {
                Slot(level).CopyTo(root);
                first = false;
            }
            else
            {
                NodeHash(Slot(level), root, root);
            }
        }

        return root;
    }

    private Span<byte> Slot(int level) => _hashes.AsSpan(level * Merkle.HashSize, Merkle.HashSize);

    private void NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination)
    {
        _node[0] = 0x01;
        left.CopyTo(_node.AsSpan(1));
        right.CopyTo(_node.AsSpan(1 + Merkle.HashSize));
        System.Security.Cryptography.SHA256.HashData(_node, destination);
    }
}
