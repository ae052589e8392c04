using System.Security.Cryptography;
using Marten;
using Npgsql;

namespace ClaimsLedger.Ledger.Verifying;

/// <summary>What verification found wrong, at which event sequence.</summary>
/// <param name="Kind">changed, missing, reordered, extra, checkpoint or signature.</param>
/// <param name="Sequence">The first event sequence number the finding concerns.</param>
/// <param name="Detail">What differs, in words.</param>
public sealed record Finding(string Kind, long Sequence, string Detail);

public sealed record VerificationReport(long Events, long Leaves, int Checkpoints, IReadOnlyList<Finding> Findings)
{
    public bool Ok => Findings.Count == 0;

    /// <summary>
    /// The first difference: a change pinned to one event when there is one, else the start of the
    /// range a failed checkpoint points to (when the stored leaves were rewritten too).
    /// </summary>
    public Finding? First =>
        Findings.Where(finding => finding.Kind is not ("checkpoint" or "signature")).MinBy(finding => finding.Sequence)
        ?? Findings.MinBy(finding => finding.Sequence);
}

/// <summary>
/// Recomputes every leaf from the event table, rebuilds the tree, and checks it against the stored
/// leaves (which event changed, went missing, moved or appeared), against every stored checkpoint, and
/// against checkpoints the auditor saved elsewhere: rewriting an event and its stored leaf hashes still
/// cannot reproduce a signed root.
/// </summary>
public sealed class LedgerVerifier(IDocumentStore store)
{
    private string Schema => store.Options.Events.DatabaseSchemaName;

    public async Task<VerificationReport> VerifyAsync(
        ECDsa publicKey, IReadOnlyList<Checkpoint> saved, Action<long>? progress, CancellationToken cancellation)
    {
        await using var rowsConnection = store.Storage.Database.CreateConnection();
        await using var leavesConnection = store.Storage.Database.CreateConnection();
        await rowsConnection.OpenAsync(cancellation);
        await leavesConnection.OpenAsync(cancellation);

        var findings = new List<Finding>();
        var stored = await StoredCheckpointsAsync(leavesConnection, cancellation);
        var keyId = Convert.ToHexStringLower(SHA256.HashData(publicKey.ExportSubjectPublicKeyInfo()));
        foreach (var checkpoint in stored.Concat(saved).Where(checkpoint => checkpoint.KeyId != keyId || !checkpoint.IsSignedBy(publicKey)))
        {
            findings.Add(new Finding("signature", 0, $"The checkpoint at tree size {checkpoint.TreeSize} is not signed by key {keyId[..16]}: it was forged or altered."));
        }

        var checks = stored.Concat(saved).GroupBy(checkpoint => checkpoint.TreeSize).ToDictionary(group => group.Key, group => group.ToList());
        var leafSequences = new List<long>();

        await using var rowsCommand = new NpgsqlCommand($"select {LedgerEvent.Columns} from {Schema}.mt_events order by seq_id", rowsConnection);
        await using var rows = await rowsCommand.ExecuteReaderAsync(cancellation);
        await using var leavesCommand = new NpgsqlCommand($"select leaf_index, seq_id, event_id, leaf_hash from {Schema}.ledger_leaves order by leaf_index", leavesConnection);
        await using var leaves = await leavesCommand.ExecuteReaderAsync(cancellation);

        var growth = new TreeGrowth(0, new Dictionary<NodeKey, byte[]>());
        var row = await NextRowAsync(rows, cancellation);
        var leaf = await NextLeafAsync(leaves, cancellation);
        long events = 0, leafCount = 0;

        // Walk the rows and the stored leaves side by side, both in sequence order.
        while (leaf is not null)
        {
            if (row is null)
            {
                findings.Add(new Finding("missing", leaf.Value.Sequence,
                    $"The log ends before sequence {leaf.Value.Sequence}: every event from there on is gone (the tail was deleted)."));
                break;
            }

            if (row.Sequence < leaf.Value.Sequence)
            {
                findings.Add(new Finding("extra", row.Sequence, $"An event the ledger never recorded sits at sequence {row.Sequence}."));
                Grow(row);
                row = await NextRowAsync(rows, cancellation);
                continue;
            }

            if (row.Sequence > leaf.Value.Sequence)
            {
                findings.Add(new Finding("missing", leaf.Value.Sequence, $"The event recorded at sequence {leaf.Value.Sequence} ({leaf.Value.EventId}) is gone."));
                leafCount++;
                leaf = await NextLeafAsync(leaves, cancellation);
                continue;
            }

            var recomputed = Grow(row);
            if (row.Id != leaf.Value.EventId)
            {
                findings.Add(new Finding("reordered", row.Sequence,
                    $"Sequence {row.Sequence} holds event {row.Id}, but the ledger recorded {leaf.Value.EventId} there: events were moved."));
            }
            else if (!recomputed.AsSpan().SequenceEqual(leaf.Value.Hash))
            {
                findings.Add(new Finding("changed", row.Sequence, $"The event at sequence {row.Sequence} ({row.Id}) was changed: it no longer hashes to its leaf."));
            }

            leafCount++;
            row = await NextRowAsync(rows, cancellation);
            leaf = await NextLeafAsync(leaves, cancellation);
        }

        return new VerificationReport(events, leafCount, checks.Values.Sum(list => list.Count), findings);

        byte[] Grow(LedgerEvent current)
        {
            events++;
            var hash = current.LeafHash();
            growth.Append(hash);
            leafSequences.Add(current.Sequence);
            if (checks.TryGetValue(growth.Size, out var atSize))
            {
                var root = growth.Root();
                var broken = atSize.FirstOrDefault(checkpoint => !root.AsSpan().SequenceEqual(checkpoint.Root()));
                if (broken is not null)
                {
                    var earlier = checks.Keys.Where(size => size < growth.Size).DefaultIfEmpty(0).Max();
                    var from = leafSequences[(int)earlier];
                    findings.Add(new Finding("checkpoint", from,
                        $"The log no longer hashes to the checkpoint signed at tree size {broken.TreeSize} ({broken.CreatedAt:u}): " +
                        $"an event between sequences {from} and {current.Sequence} is not what it was when it was signed."));
                }
            }

            if (events % 100_000 == 0)
            {
                progress?.Invoke(events);
            }

            return hash;
        }
    }

    private async Task<List<Checkpoint>> StoredCheckpointsAsync(NpgsqlConnection connection, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand(
            $"select tree_size, root_hash, created_at, key_id, signature from {Schema}.ledger_checkpoints order by tree_size", connection);
        var found = new List<Checkpoint>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            found.Add(new Checkpoint(Checkpoint.CurrentFormat, reader.GetInt64(0), Convert.ToBase64String((byte[])reader[1]),
                reader.GetFieldValue<DateTimeOffset>(2), reader.GetString(3), Convert.ToBase64String((byte[])reader[4])));
        }

        return found;
    }

    private static async Task<LedgerEvent?> NextRowAsync(NpgsqlDataReader rows, CancellationToken cancellation) =>
        await rows.ReadAsync(cancellation) ? LedgerEvent.Read(rows) : null;

    private static async Task<(long Sequence, Guid EventId, byte[] Hash)?> NextLeafAsync(NpgsqlDataReader leaves, CancellationToken cancellation) =>
        await leaves.ReadAsync(cancellation) ? (leaves.GetInt64(1), leaves.GetGuid(2), (byte[])leaves[3]) : null;
}
