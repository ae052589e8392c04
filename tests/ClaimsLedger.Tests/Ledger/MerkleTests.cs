using System.Text;
using System.Text.Json;
using ClaimsLedger.Ledger;
using ClaimsLedger.Tests.Support;
using CsCheck;
using Shouldly;

namespace ClaimsLedger.Tests.Ledger;

/// <summary>An in-memory tree: every perfect subtree's hash, as the ledger stores them.</summary>
public sealed class MemoryTree
{
    private readonly List<List<byte[]>> _levels = [[]];

    public MemoryTree(IEnumerable<byte[]> leafHashes)
    {
        foreach (var leaf in leafHashes)
        {
            Append(leaf);
        }
    }

    public long Size => _levels[0].Count;

    public MerkleProofs Proofs => new((level, index) => _levels[level][(int)index]);

    public byte[] Leaf(long index) => _levels[0][(int)index];

    private void Append(byte[] leaf)
    {
        _levels[0].Add(leaf);
        for (var level = 0; _levels[level].Count % 2 == 0; level++)
        {
            if (_levels.Count == level + 1)
            {
                _levels.Add([]);
            }

            var nodes = _levels[level];
            _levels[level + 1].Add(Merkle.NodeHash(nodes[^2], nodes[^1]));
        }
    }

    /// <summary>The root by the RFC's definition, computed from the leaves directly (the oracle).</summary>
    public static byte[] ReferenceRoot(IReadOnlyList<byte[]> leaves) =>
        leaves.Count switch
        {
            0 => Merkle.EmptyRoot(),
            1 => leaves[0],
            _ => Merkle.NodeHash(
                ReferenceRoot([.. leaves.Take((int)Merkle.SplitPoint(leaves.Count))]),
                ReferenceRoot([.. leaves.Skip((int)Merkle.SplitPoint(leaves.Count))])),
        };
}

public sealed class MerkleTests
{
    private static IEnumerable<string> Vectors(string kind) =>
        Directory.EnumerateFiles(Path.Combine(Path.GetDirectoryName(RepositoryFiles.Corpus("README.md"))!, "..", "vectors", "rfc6962", kind),
            "*.json", SearchOption.AllDirectories);

    private static byte[] Bytes(JsonElement value) => value.ValueKind == JsonValueKind.Null ? [] : Convert.FromBase64String(value.GetString() ?? "");

    /// <summary>Sizes and indexes are unsigned 64-bit in the vectors; past a signed long they are out of any real tree.</summary>
    private static long? Size(JsonElement value) => value.TryGetInt64(out var size) ? size : null;

    private static byte[][] Proof(JsonElement vector) =>
        vector.TryGetProperty("proof", out var proof) && proof.ValueKind == JsonValueKind.Array ? [.. proof.EnumerateArray().Select(Bytes)] : [];

    [Fact]
    public void Every_rfc6962_inclusion_vector_is_accepted_or_rejected_as_published()
    {
        var files = Vectors("inclusion").ToList();
        files.Count.ShouldBeGreaterThan(50);
        foreach (var file in files)
        {
            var vector = JsonDocument.Parse(File.ReadAllText(file)).RootElement;
            var accepted = Size(vector.GetProperty("leafIdx")) is { } index && Size(vector.GetProperty("treeSize")) is { } size &&
                           Merkle.VerifyInclusion(index, size, Bytes(vector.GetProperty("leafHash")), Proof(vector), Bytes(vector.GetProperty("root")));
            accepted.ShouldBe(!vector.GetProperty("wantErr").GetBoolean(), file);
        }
    }

    [Fact]
    public void Every_rfc6962_consistency_vector_is_accepted_or_rejected_as_published()
    {
        var files = Vectors("consistency").ToList();
        files.Count.ShouldBeGreaterThan(50);
        foreach (var file in files)
        {
            var vector = JsonDocument.Parse(File.ReadAllText(file)).RootElement;
            var accepted = Size(vector.GetProperty("size1")) is { } size1 && Size(vector.GetProperty("size2")) is { } size2 &&
                           Merkle.VerifyConsistency(size1, size2, Bytes(vector.GetProperty("root1")), Bytes(vector.GetProperty("root2")), Proof(vector));
            accepted.ShouldBe(!vector.GetProperty("wantErr").GetBoolean(), file);
        }
    }

    [Fact]
    public void The_root_of_the_rfc6962_reference_tree_is_the_published_one()
    {
        // The eight leaves of the RFC 6962 test tree (transparency-dev/merkle's testdata), whose root is in the vectors.
        string[] hex = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"];
        var tree = new MemoryTree(hex.Select(data => Merkle.LeafHash(Convert.FromHexString(data))));

        Convert.ToBase64String(tree.Proofs.Root(8)).ShouldBe("XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=");
    }

    [Fact]
    public void Every_leaf_of_a_random_tree_proves_and_every_smaller_tree_is_consistent_with_it()
    {
        Gen.Int[1, 70].Sample(size =>
        {
            var leaves = Enumerable.Range(0, size + 1).Select(i => Merkle.LeafHash(Encoding.UTF8.GetBytes($"event {i}"))).ToList();
            var grown = MemoryTree.ReferenceRoot(leaves);
            leaves.RemoveAt(size);
            var tree = new MemoryTree(leaves);
            var root = tree.Proofs.Root(size);
            root.ShouldBe(MemoryTree.ReferenceRoot(leaves));

            for (var index = 0; index < size; index++)
            {
                var proof = tree.Proofs.Inclusion(index, size);
                Merkle.VerifyInclusion(index, size, leaves[index], proof, root).ShouldBeTrue();
                Merkle.VerifyInclusion(index, size, Merkle.LeafHash("forged"u8), proof, root).ShouldBeFalse("a wrong leaf");
                if (size > 1)
                {
                    Merkle.VerifyInclusion((index + 1) % size, size, leaves[index], proof, root).ShouldBeFalse("a wrong index");
                }

                // A tree head binds size and root together: the proof must not pass for the next head.
                Merkle.VerifyInclusion(index, size + 1, leaves[index], proof, grown).ShouldBeFalse("a wrong size");
            }

            for (var old = 1; old <= size; old++)
            {
                var oldRoot = MemoryTree.ReferenceRoot(leaves[..old]);
                var proof = tree.Proofs.Consistency(old, size);
                Merkle.VerifyConsistency(old, size, oldRoot, root, proof).ShouldBeTrue($"{old} -> {size}");
                if (old < size)
                {
                    Merkle.VerifyConsistency(old, size, Merkle.LeafHash("forged"u8), root, proof).ShouldBeFalse("a forged old root");
                    Merkle.VerifyConsistency(old, size + 1, oldRoot, grown, proof).ShouldBeFalse("a wrong new size");
                }
            }
        }, iter: 60);
    }
}
