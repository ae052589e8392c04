using System.Buffers.Binary;
using System.Security.Cryptography;

namespace ClaimsLedger.Ledger;

/// <summary>
/// The columns of one event as the leaf's layout takes them: text as UTF-8, ids in network byte order, JSON
/// either as the row's UTF-8 bytes or (from a <see cref="LedgerEvent"/>) as a string. An absent optional
/// column is told by its Has… flag, so an empty string stays distinct from NULL.
/// </summary>
internal readonly ref struct EventFields
{
    public long Sequence { get; init; }

    public ReadOnlySpan<byte> Id { get; init; }

    public ReadOnlySpan<byte> StreamId { get; init; }

    public long Version { get; init; }

    public ReadOnlySpan<byte> Type { get; init; }

    public long RecordedAtMicroseconds { get; init; }

    public ReadOnlySpan<byte> TenantId { get; init; }

    /// <summary>The data as UTF-8 JSON, unless <see cref="DataText"/> is set.</summary>
    public ReadOnlySpan<byte> Data { get; init; }

    public string? DataText { get; init; }

    public bool HasUser { get; init; }

    public ReadOnlySpan<byte> User { get; init; }

    public bool HasCorrelationId { get; init; }

    public ReadOnlySpan<byte> CorrelationId { get; init; }

    public bool HasCausationId { get; init; }

    public ReadOnlySpan<byte> CausationId { get; init; }

    /// <summary>Whether the headers column is not NULL, when they come as UTF-8 in <see cref="Headers"/>.</summary>
    public bool HasHeaders { get; init; }

    public ReadOnlySpan<byte> Headers { get; init; }

    /// <summary>The headers as a string (null: absent), instead of <see cref="Headers"/>.</summary>
    public string? HeadersText { get; init; }
}

/// <summary>
/// Builds a leaf's preimage, <c>0x00 ‖ canonical bytes</c>, in a buffer reused from one event to the next: the
/// one definition of the layout docs/ledger.md documents byte by byte. Not thread-safe: one per thread.
/// </summary>
internal sealed class LeafPreimage
{
    [ThreadStatic]
    private static LeafPreimage? _forThisThread;

    private readonly ByteBuffer _bytes = new(1024);
    private readonly JsonCanonicalizer _json = new();

    /// <summary>The instance of the calling thread, for callers that build one leaf at a time.</summary>
    public static LeafPreimage ForThisThread => _forThisThread ??= new LeafPreimage();

    public void LeafHash(in EventFields fields, Span<byte> hash) => SHA256.HashData(Build(fields), hash);

    /// <summary>The preimage, valid until the next call.</summary>
    public ReadOnlySpan<byte> Build(in EventFields fields)
    {
        var bytes = _bytes;
        bytes.Length = 0;
        bytes.WriteByte(0x00);
        bytes.Write(LedgerEvent.Magic);
        BinaryPrimitives.WriteInt64BigEndian(bytes.Reserve(8), fields.Sequence);
        WriteFixed(fields.Id, 16);
        WriteFixed(fields.StreamId, 16);
        BinaryPrimitives.WriteInt64BigEndian(bytes.Reserve(8), fields.Version);
        WriteBlock(fields.Type);
        BinaryPrimitives.WriteInt64BigEndian(bytes.Reserve(8), fields.RecordedAtMicroseconds);
        WriteBlock(fields.TenantId);

        var data = StartBlock();
        if (fields.DataText is not null)
        {
            _json.Write(fields.DataText, bytes);
        }
        else
        {
            _json.Write(fields.Data, bytes);
        }

        EndBlock(data);
        WriteOptional(fields.HasUser, fields.User);
        WriteOptional(fields.HasCorrelationId, fields.CorrelationId);
        WriteOptional(fields.HasCausationId, fields.CausationId);

        var presence = bytes.Length;
        bytes.WriteByte(0x01);
        var headers = StartBlock();
        var present = fields.HeadersText is not null ? _json.WriteHeaders(fields.HeadersText, bytes)
            : fields.HasHeaders && _json.WriteHeaders(fields.Headers, bytes);
        if (present)
        {
            EndBlock(headers);
        }
        else
        {
            bytes.Length = presence;
            bytes.WriteByte(0x00);
        }

        return bytes.WrittenSpan;
    }

    private void WriteFixed(ReadOnlySpan<byte> value, int length)
    {
        if (value.Length != length)
        {
            throw new InvalidDataException($"A {length}-byte field of an event came with {value.Length} bytes.");
        }

        _bytes.Write(value);
    }

    private void WriteBlock(ReadOnlySpan<byte> block)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_bytes.Reserve(4), (uint)block.Length);
        _bytes.Write(block);
    }

    private void WriteOptional(bool present, ReadOnlySpan<byte> text)
    {
        _bytes.WriteByte(present ? (byte)1 : (byte)0);
        if (present)
        {
            WriteBlock(text);
        }
    }

    /// <summary>Reserves a block's 32-bit length; returns where its content starts.</summary>
    private int StartBlock()
    {
        _bytes.Reserve(4);
        return _bytes.Length;
    }

    private void EndBlock(int start) =>
        BinaryPrimitives.WriteUInt32BigEndian(_bytes.WrittenSpan[(start - 4)..], (uint)(_bytes.Length - start));
}
