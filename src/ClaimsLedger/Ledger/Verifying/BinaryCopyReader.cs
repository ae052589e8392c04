using System.Buffers.Binary;
using Npgsql;

namespace ClaimsLedger.Ledger.Verifying;

/// <summary>
/// Reads <c>COPY (…) TO STDOUT (FORMAT BINARY)</c> through Npgsql's raw binary copy, one row at a time, each
/// field a span of the buffer as PostgreSQL sent it (text as UTF-8, jsonb as a version byte and its text).
/// Npgsql's exporter would make every text column a .NET string that the leaf turns back into UTF-8; here
/// nothing is decoded that the leaf does not need. The format: PostgreSQL's documentation, "COPY", "Binary Format".
/// </summary>
internal sealed class BinaryCopyReader : IDisposable
{
    /// <summary>"PGCOPY\n\377\r\n\0".</summary>
    private static ReadOnlySpan<byte> Signature => [0x50, 0x47, 0x43, 0x4F, 0x50, 0x59, 0x0A, 0xFF, 0x0D, 0x0A, 0x00];

    private readonly NpgsqlRawCopyStream _stream;
    private readonly int _fieldCount;
    private readonly (int Offset, int Length)[] _fields;
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;
    private bool _ended;

    public BinaryCopyReader(NpgsqlConnection connection, string copyToStdout, int fieldCount)
    {
        _fieldCount = fieldCount;
        _fields = new (int, int)[fieldCount];
        _stream = connection.BeginRawBinaryCopy(copyToStdout);
        ReadHeader();
    }

    /// <summary>Moves to the next row; false after the last.</summary>
    public bool Read()
    {
        while (!TryParseRow())
        {
            if (_ended)
            {
                return false;
            }

            Fill();
        }

        return true;
    }

    public bool IsNull(int field) => _fields[field].Length < 0;

    /// <summary>The field's bytes in the current row, until the next <see cref="Read"/>.</summary>
    public ReadOnlySpan<byte> Bytes(int field)
    {
        var (offset, length) = _fields[field];
        return length < 0 ? throw new InvalidCastException($"Column {field} of the COPY is NULL.") : _buffer.AsSpan(offset, length);
    }

    public long Int64(int field)
    {
        var bytes = Bytes(field);
        return bytes.Length == 8 ? BinaryPrimitives.ReadInt64BigEndian(bytes) : throw Unexpected(field, "a bigint");
    }

    public ReadOnlySpan<byte> Uuid(int field)
    {
        var bytes = Bytes(field);
        return bytes.Length == 16 ? bytes : throw Unexpected(field, "a uuid");
    }

    /// <summary>jsonb's binary form: a version byte (1), then the JSON text.</summary>
    public ReadOnlySpan<byte> Jsonb(int field)
    {
        var bytes = Bytes(field);
        return bytes.Length > 0 && bytes[0] == 1 ? bytes[1..] : throw Unexpected(field, "jsonb of version 1");
    }

    /// <summary>
    /// A timestamptz as Npgsql would read it into a DateTimeOffset (infinity as its minimum and maximum),
    /// in microseconds since 1970-01-01T00:00:00Z: what the leaf holds.
    /// </summary>
    public long TimestampMicroseconds(int field)
    {
        var value = Int64(field);
        var moment = value switch
        {
            long.MaxValue => DateTimeOffset.MaxValue,
            long.MinValue => DateTimeOffset.MinValue,
            _ => new DateTimeOffset(PostgresEpochTicks + checked(value * 10), TimeSpan.Zero),
        };
        return LedgerEvent.Microseconds(moment);
    }

    private static readonly long PostgresEpochTicks = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    private static InvalidDataException Unexpected(int field, string what) =>
        new($"Column {field} of the COPY is not {what} as expected.");

    private void ReadHeader()
    {
        // Signature, 32-bit flags, 32-bit length of the header extension, the extension.
        while (_end - _start < Signature.Length + 8 && !_ended)
        {
            Fill();
        }

        var header = _buffer.AsSpan(_start, _end - _start);
        if (header.Length < Signature.Length + 8 || !header.StartsWith(Signature))
        {
            throw new InvalidDataException("The COPY did not start with PostgreSQL's binary signature.");
        }

        var extension = BinaryPrimitives.ReadInt32BigEndian(header[(Signature.Length + 4)..]);
        var total = Signature.Length + 8 + extension;
        while (_end - _start < total && !_ended)
        {
            Fill();
        }

        _start += total;
    }

    /// <summary>Parses the row at the buffer's start if it is all there.</summary>
    private bool TryParseRow()
    {
        var available = _buffer.AsSpan(_start, _end - _start);
        if (available.Length < 2)
        {
            return false;
        }

        var count = BinaryPrimitives.ReadInt16BigEndian(available);
        if (count == -1)
        {
            // The trailer: no more rows.
            _start = _end;
            _ended = true;
            return false;
        }

        if (count != _fieldCount)
        {
            throw new InvalidDataException($"A COPY row has {count} fields, {_fieldCount} were asked for.");
        }

        var position = 2;
        for (var i = 0; i < count; i++)
        {
            if (available.Length - position < 4)
            {
                return false;
            }

            var length = BinaryPrimitives.ReadInt32BigEndian(available[position..]);
            position += 4;
            if (length > 0 && available.Length - position < length)
            {
                return false;
            }

            _fields[i] = (_start + position, length);
            position += Math.Max(length, 0);
        }

        _start += position;
        return true;
    }

    /// <summary>Reads more from the COPY: keeps the unparsed tail, grows the buffer when one row does not fit.</summary>
    private void Fill()
    {
        var pending = _end - _start;
        if (_start > 0)
        {
            _buffer.AsSpan(_start, pending).CopyTo(_buffer);
            (_start, _end) = (0, pending);
        }

        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        var read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0)
        {
            _ended = true;
            if (_end > _start)
            {
                throw new InvalidDataException("The COPY ended inside a row.");
            }
        }

        _end += read;
    }

    public void Dispose() => _stream.Dispose();
}
