using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Npgsql;

namespace ClaimsLedger.Auditing.Importing;

/// <summary>
/// Rows in PostgreSQL's binary COPY format (https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.4),
/// written into a buffer of our own and sent through Npgsql's raw binary COPY in large chunks. Npgsql's
/// <see cref="NpgsqlBinaryImporter"/> resolves a converter and flushes its 8 KiB buffer per value and per chunk, which was
/// about half of the import's own CPU (docs/benchmarks-history.md); here a value is a copy of bytes the caller already has.
/// Each value is encoded as Npgsql encodes it for the same column type. While one chunk is on its way to PostgreSQL the
/// next is filled, so reading the file overlaps with PostgreSQL's work without a thread of its own.
/// </summary>
internal sealed class BinaryCopyWriter : IAsyncDisposable
{
    private const int ChunkSize = 256 * 1024;

    // Microseconds since 2000-01-01 UTC are PostgreSQL's timestamps; Npgsql maps DateTime.MinValue and MaxValue to
    // -infinity and infinity unless told not to.
    private const long PostgresEpochTicks = 630822816000000000L;
    private static readonly bool InfinityConversions =
        !(AppContext.TryGetSwitch("Npgsql.DisableDateTimeInfinityConversions", out var disabled) && disabled);

    // Npgsql's own text encoding: UTF-8 that refuses what it cannot encode.
    private static readonly UTF8Encoding Text = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly NpgsqlRawCopyStream _copy;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(ChunkSize * 2);
    private byte[] _spare = ArrayPool<byte>.Shared.Rent(ChunkSize * 2);
    private int _written;
    private Task _sending = Task.CompletedTask;
    private bool _completed;

    private BinaryCopyWriter(NpgsqlRawCopyStream copy)
    {
        _copy = copy;
        // Signature ("PGCOPY\n\xff\r\n\0"), flags (no OIDs), header extension length.
        Write([(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0]);
        WriteInt32(0);
        WriteInt32(0);
    }

    public static async Task<BinaryCopyWriter> BeginAsync(NpgsqlConnection connection, string table, string columns, CancellationToken cancellation) =>
        new(await connection.BeginRawBinaryCopyAsync($"copy {table} ({columns}) from stdin (format binary)", cancellation));

    public void StartRow(short columns)
    {
        Reserve(2);
        BinaryPrimitives.WriteInt16BigEndian(_buffer.AsSpan(_written), columns);
        _written += 2;
    }

    public void WriteNull() => WriteInt32(-1);

    public void WriteBigint(long value)
    {
        WriteInt32(sizeof(long));
        WriteInt64(value);
    }

    public void WriteBoolean(bool value)
    {
        WriteInt32(1);
        Write([value ? (byte)1 : (byte)0]);
    }

    /// <summary>A uuid: its 16 bytes in RFC 4122 (big-endian) order, as PostgreSQL and Npgsql keep them.</summary>
    public void WriteUuid(Guid value)
    {
        WriteInt32(16);
        Reserve(16);
        value.TryWriteBytes(_buffer.AsSpan(_written, 16), bigEndian: true, out _);
        _written += 16;
    }

    /// <summary>A timestamptz, as Npgsql writes a DateTimeOffset: its UTC instant in whole microseconds, rounded towards zero.</summary>
    public void WriteTimestampTz(DateTimeOffset value)
    {
        var ticks = value.UtcTicks;
        WriteInt32(sizeof(long));
        WriteInt64(InfinityConversions && ticks == DateTime.MaxValue.Ticks ? long.MaxValue
            : InfinityConversions && ticks == DateTime.MinValue.Ticks ? long.MinValue
            : (ticks - PostgresEpochTicks) / 10);
    }

    /// <summary>A text or varchar value that is already UTF-8.</summary>
    public void WriteText(ReadOnlySpan<byte> utf8)
    {
        WriteInt32(utf8.Length);
        Write(utf8);
    }

    /// <summary>A text or varchar value, or NULL for null.</summary>
    public void WriteText(string? value)
    {
        if (value is null)
        {
            WriteNull();
            return;
        }

        var length = Text.GetByteCount(value);
        WriteInt32(length);
        Reserve(length);
        _written += Text.GetBytes(value, _buffer.AsSpan(_written));
    }

    /// <summary>A jsonb value from its JSON text in parts (jsonb's binary input is a version byte, 1, then the text).</summary>
    public void WriteJsonb(ReadOnlySpan<byte> json, ReadOnlySpan<byte> second = default, ReadOnlySpan<byte> third = default, ReadOnlySpan<byte> fourth = default)
    {
        WriteInt32(1 + json.Length + second.Length + third.Length + fourth.Length);
        Write([1]);
        Write(json);
        Write(second);
        Write(third);
        Write(fourth);
    }

    /// <summary>Sends the rows written so far once they fill a chunk: call it between rows.</summary>
    public async ValueTask FlushIfFullAsync(CancellationToken cancellation)
    {
        if (_written < ChunkSize)
        {
            return;
        }

        // The previous chunk must be out of the spare buffer before it is reused.
        await _sending;
        (_buffer, _spare) = (_spare, _buffer);
        _sending = _copy.WriteAsync(_spare.AsMemory(0, _written), cancellation).AsTask();
        _written = 0;
    }

    /// <summary>Writes the trailer, sends what is left and ends the COPY: PostgreSQL has every row once this returns.</summary>
    public async Task CompleteAsync(CancellationToken cancellation)
    {
        WriteInt16(-1);
        await _sending;
        await _copy.WriteAsync(_buffer.AsMemory(0, _written), cancellation);
        _written = 0;
        _completed = true;
        await _copy.DisposeAsync();
    }

    /// <summary>Without <see cref="CompleteAsync"/> (an error part way), tells PostgreSQL to discard the COPY, as Npgsql's importer does.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_completed && await SentAsync())
            {
                await _copy.CancelAsync();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            ArrayPool<byte>.Shared.Return(_spare);
        }
    }

    /// <summary>
    /// Whether the chunk on its way went out. If it failed, the caller is already failing with that error (it surfaces
    /// at the next flush) and Npgsql has broken the connection, so there is no COPY left to cancel.
    /// </summary>
    private async Task<bool> SentAsync()
    {
        try
        {
            await _sending;
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            return false;
        }
    }

    private void WriteInt16(short value)
    {
        Reserve(2);
        BinaryPrimitives.WriteInt16BigEndian(_buffer.AsSpan(_written), value);
        _written += 2;
    }

    private void WriteInt32(int value)
    {
        Reserve(4);
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_written), value);
        _written += 4;
    }

    private void WriteInt64(long value)
    {
        Reserve(8);
        BinaryPrimitives.WriteInt64BigEndian(_buffer.AsSpan(_written), value);
        _written += 8;
    }

    private void Write(ReadOnlySpan<byte> bytes)
    {
        Reserve(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_written));
        _written += bytes.Length;
    }

    /// <summary>Grows the current buffer for a row larger than what is left of it (a payload of megabytes, say).</summary>
    private void Reserve(int bytes)
    {
        if (_written + bytes <= _buffer.Length)
        {
            return;
        }

        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _written + bytes));
        _buffer.AsSpan(0, _written).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }
}
