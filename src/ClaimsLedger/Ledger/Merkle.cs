using System.Numerics;
using System.Security.Cryptography;

namespace ClaimsLedger.Ledger;

/// <summary>
/// RFC 6962 / RFC 9162 Merkle tree hashing: leaf = SHA-256(0x00 || data), node = SHA-256(0x01 || left || right),
/// and the tree over n leaves splits at the largest power of two smaller than n.
/// </summary>
public static class Merkle
{
    public const int HashSize = 32;

    /// <summary>The root of the empty tree: SHA-256 of nothing.</summary>
    public static byte[] EmptyRoot() => SHA256.HashData([]);

    public static byte[] LeafHash(ReadOnlySpan<byte> data)
    {
        var buffer = new byte[data.Length + 1];
        buffer[0] = 0x00;
        data.CopyTo(buffer.AsSpan(1));
        return SHA256.HashData(buffer);
    }

    public static byte[] NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        Span<byte> buffer = stackalloc byte[1 + (2 * HashSize)];
        buffer[0] = 0x01;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + HashSize)..]);
        return SHA256.HashData(buffer);
    }

    /// <summary>The largest power of two strictly smaller than <paramref name="n"/> (n &gt; 1).</summary>
    public static long SplitPoint(long n) => 1L << (63 - BitOperations.LeadingZeroCount((ulong)(n - 1)));

    /// <summary>
    /// Verifies that <paramref name="leafHash"/> is leaf <paramref name="leafIndex"/> of the tree of
    /// <paramref name="treeSize"/> leaves whose root is <paramref name="root"/> (RFC 9162, 2.1.3.2).
    /// </summary>
    public static bool VerifyInclusion(long leafIndex, long treeSize, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root)
    {
        if (leafIndex < 0 || leafIndex >= treeSize || leafHash.Length != HashSize || root.Length != HashSize ||
            proof.Any(element => element.Length != HashSize))
        {
            return false;
        }

        var (fn, sn) = (leafIndex, treeSize - 1);
        var r = leafHash.ToArray();
        foreach (var p in proof)
        {
            if (sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                r = NodeHash(p, r);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                r = NodeHash(r, p);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && r.AsSpan().SequenceEqual(root);
    }

    /// <summary>
    /// Verifies that the tree of <paramref name="size2"/> leaves with root <paramref name="root2"/> extends
    /// the tree of <paramref name="size1"/> leaves with root <paramref name="root1"/> (RFC 9162, 2.1.4.2).
    /// A proof from the empty tree is refused: it proves nothing.
    /// </summary>
    public static bool VerifyConsistency(long size1, long size2, ReadOnlySpan<byte> root1, ReadOnlySpan<byte> root2, IReadOnlyList<byte[]> proof)
    {
        if (size1 <= 0 || size1 > size2)
        {
            return false;
        }

        if (size1 == size2)
        {
            return proof.Count == 0 && root1.SequenceEqual(root2);
        }

        if (proof.Count == 0 || root1.Length != HashSize || root2.Length != HashSize || proof.Any(element => element.Length != HashSize))
        {
            return false;
        }

        var path = new List<byte[]>(proof.Count + 1);
        if (BitOperations.IsPow2(size1))
        {
            path.Add(root1.ToArray());
        }

        path.AddRange(proof);
        var (fn, sn) = (size1 - 1, size2 - 1);
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }

        var (fr, sr) = (path[0], path[0]);
        foreach (var c in path.Skip(1))
        {
            if (sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                fr = NodeHash(c, fr);
                sr = NodeHash(c, sr);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                sr = NodeHash(sr, c);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && fr.AsSpan().SequenceEqual(root1) && sr.AsSpan().SequenceEqual(root2);
    }
}

/// <summary>
/// Proofs and roots over a tree whose perfect subtrees are stored: the node at (level L, index i)
/// covers leaves [i·2^L, (i+1)·2^L). Any range the RFC 6962 recursion asks for is assembled from
/// at most O(log n) of them, so proofs never rescan the leaves.
/// </summary>
public sealed class MerkleProofs(Func<int, long, byte[]> node)
{
    /// <summary>MTH(D[start : start+size]), for a range that starts on a multiple of its split point (as the recursion produces).</summary>
    public byte[] RangeHash(long start, long size)
    {
        if (BitOperations.IsPow2(size) && start % size == 0)
        {
            return node(BitOperations.Log2((ulong)size), start / size);
        }

        var k = Merkle.SplitPoint(size);
        return Merkle.NodeHash(RangeHash(start, k), RangeHash(start + k, size - k));
    }

    public byte[] Root(long size) => size == 0 ? Merkle.EmptyRoot() : RangeHash(0, size);

    /// <summary>The audit path of leaf <paramref name="index"/> in the tree of <paramref name="size"/> leaves (RFC 6962, 2.1.1).</summary>
    public List<byte[]> Inclusion(long index, long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, size);
        var path = new List<byte[]>();
        Path(index, 0, size, path);
        return path;
    }

    private void Path(long index, long start, long size, List<byte[]> path)
    {
        if (size <= 1)
        {
            return;
        }

        var k = Merkle.SplitPoint(size);
        if (index < k)
        {
            Path(index, start, k, path);
            path.Add(RangeHash(start + k, size - k));
        }
        else
        {
            Path(index - k, start + k, size - k, path);
            path.Add(RangeHash(start, k));
        }
    }

    /// <summary>The proof that the tree of <paramref name="newSize"/> leaves extends that of <paramref name="oldSize"/> (RFC 6962, 2.1.2).</summary>
    public List<byte[]> Consistency(long oldSize, long newSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(oldSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(oldSize, newSize);
        var proof = new List<byte[]>();
        if (oldSize < newSize)
        {
            SubProof(oldSize, 0, newSize, true, proof);
        }

        return proof;
    }

    private void SubProof(long m, long start, long n, bool complete, List<byte[]> proof)
    {
        if (m == n)
        {
            if (!complete)
            {
                proof.Add(RangeHash(start, n));
            }

            return;
        }

        var k = Merkle.SplitPoint(n);
        if (m <= k)
        {
            SubProof(m, start, k, complete, proof);
            proof.Add(RangeHash(start + k, n - k));
        }
        else
        {
            SubProof(m - k, start + k, n - k, false, proof);
            proof.Add(RangeHash(start, k));
        }
    }
}
