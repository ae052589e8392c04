using System.Text.Json;
using ClaimsLedger.Auditing;
using Marten;
using Npgsql;

namespace ClaimsLedger.Ledger.Proving;

/// <param name="Sequence">The event's global sequence number.</param>
/// <param name="LeafIndex">Its position among the ledger's leaves (events in sequence order, counted from 0).</param>
/// <param name="TreeSize">The size of the tree head the proof is against (a checkpoint's).</param>
/// <param name="LeafHash">SHA-256(0x00 || canonical bytes of the event), base64.</param>
/// <param name="Proof">The audit path, base64, leaf to root.</param>
/// <param name="Event">The event as exported: enough to recompute the leaf offline.</param>
public sealed record InclusionProof(long Sequence, long LeafIndex, long TreeSize, string LeafHash, IReadOnlyList<string> Proof, JsonElement Event);

/// <param name="From">The older tree head's size.</param>
/// <param name="To">The newer tree head's size.</param>
/// <param name="Proof">The consistency proof, base64 (RFC 6962).</param>
public sealed record ConsistencyProof(long From, long To, IReadOnlyList<string> Proof);

/// <summary>Why a proof could not be given.</summary>
public sealed record ProofRefusal(int Status, string Field, string Message);

/// <summary>Inclusion and consistency proofs from the stored tree: O(log n) node reads each.</summary>
public sealed class Proofs(IDocumentStore store, LedgerTree tree, EventLog log)
{
    public async Task<(InclusionProof? Proof, ProofRefusal? Refusal)> InclusionAsync(long sequence, long treeSize, CancellationToken cancellation)
    {
        await using var connection = await tree.OpenAsync(cancellation);
        var (size, _) = await tree.HeadAsync(connection, cancellation);
        if (treeSize < 1 || treeSize > size)
        {
            return (null, new ProofRefusal(422, "treeSize", $"treeSize must be between 1 and the ledger's size, {size}."));
        }

        await using var find = new NpgsqlCommand(
            $"select leaf_index, leaf_hash from {store.Options.Events.DatabaseSchemaName}.ledger_leaves where seq_id = @sequence", connection);
        find.Parameters.AddWithValue("sequence", sequence);
        await using var reader = await find.ExecuteReaderAsync(cancellation);
        if (!await reader.ReadAsync(cancellation))
        {
            return (null, new ProofRefusal(404, "sequence", $"No event with sequence {sequence} is in the ledger (yet)."));
        }

        var (index, leaf) = (reader.GetInt64(0), (byte[])reader[1]);
        await reader.CloseAsync();
        if (index >= treeSize)
        {
            return (null, new ProofRefusal(422, "treeSize", $"Event {sequence} is leaf {index}: it entered the tree after size {treeSize}."));
        }

        var path = await tree.ComputeAsync(connection, proofs => proofs.Inclusion(index, treeSize), cancellation);
        return (new InclusionProof(sequence, index, treeSize, Convert.ToBase64String(leaf), [.. path.Select(Convert.ToBase64String)],
            await EventAsync(sequence, cancellation)), null);
    }

    public async Task<(ConsistencyProof? Proof, ProofRefusal? Refusal)> ConsistencyAsync(long from, long to, CancellationToken cancellation)
    {
        await using var connection = await tree.OpenAsync(cancellation);
        var (size, _) = await tree.HeadAsync(connection, cancellation);
        if (to < 1 || to > size)
        {
            return (null, new ProofRefusal(422, "to", $"to must be between 1 and the ledger's size, {size}."));
        }

        if (from < 1 || from > to)
        {
            return (null, new ProofRefusal(422, "from", "from must be between 1 and to: a proof from the empty tree proves nothing."));
        }

        var proof = await tree.ComputeAsync(connection, proofs => proofs.Consistency(from, to), cancellation);
        return (new ConsistencyProof(from, to, [.. proof.Select(Convert.ToBase64String)]), null);
    }

    private async Task<JsonElement> EventAsync(long sequence, CancellationToken cancellation)
    {
        using var page = new MemoryStream();
        await log.WriteAsync(page, new EventFilter(sequence - 1, sequence), 1, ndjson: false, cancellation);
        using var json = JsonDocument.Parse(page.ToArray());
        return json.RootElement.GetProperty("items")[0].Clone();
    }
}
