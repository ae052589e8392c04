namespace ClaimsLedger.Ledger;

/// <summary>
/// A growable byte buffer that is written, read and cleared again for every event: a leaf's preimage is
/// built in one place, with no stream, no intermediate arrays and no copy at the end.
/// </summary>
internal sealed class ByteBuffer(int capacity)
{
    private byte[] _bytes = new byte[Math.Max(capacity, 16)];

    /// <summary>Bytes written; setting it lower drops what was written after that point.</summary>
    public int Length { get; set; }

    public Span<byte> WrittenSpan => _bytes.AsSpan(0, Length);

    /// <summary>The next <paramref name="count"/> bytes, counted as written.</summary>
    public Span<byte> Reserve(int count)
    {
        Ensure(count);
        var span = _bytes.AsSpan(Length, count);
        Length += count;
        return span;
    }

    /// <summary>Room for at least <paramref name="sizeHint"/> more bytes; <see cref="Advance"/> by what was used.</summary>
    public Span<byte> GetSpan(int sizeHint)
    {
        Ensure(sizeHint);
        return _bytes.AsSpan(Length);
    }

    public void Advance(int count) => Length += count;

    public void Write(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Reserve(bytes.Length));

    public void WriteByte(byte value)
    {
        Ensure(1);
        _bytes[Length++] = value;
    }

    private void Ensure(int more)
    {
        if (_bytes.Length - Length < more)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, Length + more));
        }
    }
}
