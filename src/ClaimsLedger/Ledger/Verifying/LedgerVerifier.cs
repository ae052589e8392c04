using System.Data;
using System.Security.Cryptography;
using ClaimsLedger.Ledger.Checkpointing;
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
/// <remarks>
/// Only events up to the last stored leaf's sequence are read (the ledger stops at the high-water mark), and
/// the leaves are read in one snapshot taken first, so every event a leaf stands for is visible to the rows
/// read after it. The rows come through <see cref="EventRows"/>: binary COPY on several connections, each leaf
/// hashed on the thread that read its row; this walk takes them in sequence order beside the stored leaves.
/// </remarks>
public sealed class LedgerVerifier(IDocumentStore store)
{
    private string Schema => store.Options.Events.DatabaseSchemaName;

    /// <summary>
    /// Connections reading rows side by side, each hashing its own: PostgreSQL's per-row work (jsonb to text) costs
    /// about as much CPU as the client's, and both spread over cores only this way.
    /// </summary>
    public int Readers { get; init; } = Math.Clamp(Environment.ProcessorCount, 1, 4);

    /// <summary>Sequence numbers per COPY; small in tests, so a small log crosses blocks and readers.</summary>
    internal int BlockSize { get; init; } = EventRows.DefaultBlockSize;

    public async Task<VerificationReport> VerifyAsync(
        ECDsa publicKey, IReadOnlyList<Checkpoint> saved, Action<long>? progress, CancellationToken cancellation)
    {
        await using var leavesConnection = store.Storage.Database.CreateConnection();
        await leavesConnection.OpenAsync(cancellation);
        await using var snapshot = await leavesConnection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellation);

        var findings = new List<Finding>();
        var stored = await Checkpoints.ReadAsync(leavesConnection, Schema, "order by tree_size", null, cancellation);
        var keyId = Convert.ToHexStringLower(SHA256.HashData(publicKey.ExportSubjectPublicKeyInfo()));
        foreach (var checkpoint in stored.Concat(saved).Where(checkpoint => checkpoint.KeyId != keyId || !checkpoint.IsSignedBy(publicKey)))
        {
            findings.Add(new Finding("signature", 0, $"The checkpoint at tree size {checkpoint.TreeSize} is not signed by key {keyId[..16]}: it was forged or altered."));
        }

        var checks = stored.Concat(saved).GroupBy(checkpoint => checkpoint.TreeSize).ToDictionary(group => group.Key, group => group.ToList());
        var (first, last) = await SequenceRangeAsync(leavesConnection, cancellation);
        var walk = new Walk(this, checks, findings, progress);
        if (last is not null)
        {
            using var leaves = new BinaryCopyReader(leavesConnection,
                $"copy (select seq_id, event_id, leaf_hash from {Schema}.ledger_leaves order by leaf_index) to stdout (format binary)", 3);
            await using var rows = new EventRows(store, Schema, first ?? last.Value, last.Value, Readers, BlockSize, cancellation);
            await Task.Factory.StartNew(() => walk.Run(rows, leaves, cancellation), cancellation, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        return new VerificationReport(walk.Events, walk.Leaves, checks.Values.Sum(list => list.Count), findings);
    }

    /// <summary>The first event's sequence, and the last stored leaf's (null: no leaves, nothing to read).</summary>
    private async Task<(long? First, long? Last)> SequenceRangeAsync(NpgsqlConnection connection, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand(
            $"select (select min(seq_id) from {Schema}.mt_events), (select max(seq_id) from {Schema}.ledger_leaves)", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        await reader.ReadAsync(cancellation);
        return (reader.IsDBNull(0) ? null : reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetInt64(1));
    }

    /// <summary>Whether the log holds an event past <paramref name="sequence"/> (read after the rows up to it ran out).</summary>
    private async Task<bool> AnyEventAfterAsync(long sequence)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select exists (select 1 from {Schema}.mt_events where seq_id > @after)", connection);
        command.Parameters.AddWithValue("after", sequence);
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The rows and the stored leaves side by side, both in sequence order, on one thread.</summary>
    private sealed class Walk(LedgerVerifier verifier, Dictionary<long, List<Checkpoint>> checks, List<Finding> findings, Action<long>? progress)
    {
        private readonly MerkleFrontier _tree = new();

        /// <summary>The sequence at leaf index 0 and at each checkpoint's size: where a failed checkpoint's range starts.</summary>
        private readonly Dictionary<long, long> _sequenceAt = [];

        private bool? _eventAfterLast;

        public long Events { get; private set; }

        public long Leaves { get; private set; }

        public void Run(EventRows rows, BinaryCopyReader leaves, CancellationToken cancellation)
        {
            var row = rows.MoveNext();
            var leaf = leaves.Read();
            while (leaf)
            {
                cancellation.ThrowIfCancellationRequested();
                var leafSequence = leaves.Int64(0);
                var leafEventId = new Guid(leaves.Uuid(1), bigEndian: true);
                if (!row)
                {
                    // Rows are read up to the last leaf's sequence only; an event past it still faces every leaf left.
                    _eventAfterLast ??= verifier.AnyEventAfterAsync(rows.Through).GetAwaiter().GetResult();
                    if (_eventAfterLast.Value)
                    {
                        findings.Add(new Finding("missing", leafSequence, $"The event recorded at sequence {leafSequence} ({leafEventId}) is gone."));
                        Leaves++;
                        leaf = leaves.Read();
                        continue;
                    }

                    findings.Add(new Finding("missing", leafSequence,
                        $"The log ends before sequence {leafSequence}: every event from there on is gone (the tail was deleted)."));
                    break;
                }

                if (rows.Sequence < leafSequence)
                {
                    findings.Add(new Finding("extra", rows.Sequence, $"An event the ledger never recorded sits at sequence {rows.Sequence}."));
                    Grow(rows.Sequence, rows.Hash);
                    row = rows.MoveNext();
                    continue;
                }

                if (rows.Sequence > leafSequence)
                {
                    findings.Add(new Finding("missing", leafSequence, $"The event recorded at sequence {leafSequence} ({leafEventId}) is gone."));
                    Leaves++;
                    leaf = leaves.Read();
                    continue;
                }

                Grow(rows.Sequence, rows.Hash);
                if (rows.Id != leafEventId)
                {
                    findings.Add(new Finding("reordered", rows.Sequence,
                        $"Sequence {rows.Sequence} holds event {rows.Id}, but the ledger recorded {leafEventId} there: events were moved."));
                }
                else if (!rows.Hash.SequenceEqual(leaves.Bytes(2)))
                {
                    findings.Add(new Finding("changed", rows.Sequence, $"The event at sequence {rows.Sequence} ({rows.Id}) was changed: it no longer hashes to its leaf."));
                }

                Leaves++;
                row = rows.MoveNext();
                leaf = leaves.Read();
            }
        }

        private void Grow(long sequence, ReadOnlySpan<byte> hash)
        {
            Events++;
            if (_tree.Size == 0 || checks.ContainsKey(_tree.Size))
            {
                _sequenceAt[_tree.Size] = sequence;
            }

            _tree.Append(hash);
            if (checks.TryGetValue(_tree.Size, out var atSize))
            {
                var root = _tree.Root();
                var broken = atSize.FirstOrDefault(checkpoint => !root.AsSpan().SequenceEqual(checkpoint.Root()));
                if (broken is not null)
                {
                    var earlier = checks.Keys.Where(size => size < _tree.Size).DefaultIfEmpty(0).Max();
                    var from = _sequenceAt[earlier];
                    findings.Add(new Finding("checkpoint", from,
                        $"The log no longer hashes to the checkpoint signed at tree size {broken.TreeSize} ({broken.CreatedAt:u}): " +
                        $"an event between sequences {from} and {sequence} is not what it was when it was signed."));
                }
            }

            if (Events % 100_000 == 0)
            {
                progress?.Invoke(Events);
            }
        }
    }
}
