using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClaimsLedger.Auditing;
using Npgsql;

namespace ClaimsLedger.Ledger;

/// <summary>
/// An event as the ledger hashes it: every column that says what happened, when and on whose
/// authority. <see cref="CanonicalBytes"/> is the leaf's preimage; its layout is documented byte by
/// byte in docs/ledger.md and must never change (a new layout would get a new magic).
/// </summary>
public sealed record LedgerEvent(
    long Sequence,
    Guid Id,
    Guid StreamId,
    long Version,
    string Type,
    DateTimeOffset RecordedAt,
    string TenantId,
    string DataJson,
    string? User,
    string? CorrelationId,
    string? CausationId,
    string? HeadersJson)
{
    public static ReadOnlySpan<byte> Magic => "CLE1"u8;

    /// <summary>
    /// The header an import adds. It says who copied the log, not what happened, so it is left out of
    /// the canonical bytes: an imported copy proves against the original's checkpoints.
    /// </summary>
    public const string ImportHeader = "import";

    /// <summary>The columns, in the order <see cref="Read"/> expects them.</summary>
    public const string Columns =
        "seq_id, id, stream_id, version, type, timestamp, tenant_id, data::text, user_name, correlation_id, causation_id, headers::text";

    public static LedgerEvent Read(NpgsqlDataReader row) => new(
        row.GetInt64(0),
        row.GetGuid(1),
        row.GetGuid(2),
        row.GetInt64(3),
        row.GetString(4),
        row.GetFieldValue<DateTimeOffset>(5),
        row.IsDBNull(6) ? "*DEFAULT*" : row.GetString(6),
        row.GetString(7),
        row.IsDBNull(8) ? null : row.GetString(8),
        row.IsDBNull(9) ? null : row.GetString(9),
        row.IsDBNull(10) ? null : row.GetString(10),
        row.IsDBNull(11) ? null : row.GetString(11));

    /// <summary>The same event from a line of an NDJSON export (or the event a proof carries).</summary>
    public static LedgerEvent From(LoggedEvent logged) => new(
        logged.Sequence,
        logged.Id,
        logged.StreamId,
        logged.Version,
        logged.Type,
        logged.RecordedAt,
        logged.TenantId ?? "*DEFAULT*",
        logged.Data.GetRawText(),
        logged.User,
        logged.CorrelationId,
        logged.CausationId,
        logged.Headers is { ValueKind: not JsonValueKind.Null } headers ? headers.GetRawText() : null);

    public byte[] LeafHash() => Merkle.LeafHash(CanonicalBytes());

    public byte[] CanonicalBytes()
    {
        using var bytes = new MemoryStream(256 + DataJson.Length);
        bytes.Write(Magic);
        WriteInt64(bytes, Sequence);
        bytes.Write(Id.ToByteArray(bigEndian: true));
        bytes.Write(StreamId.ToByteArray(bigEndian: true));
        WriteInt64(bytes, Version);
        WriteText(bytes, Type);
        WriteInt64(bytes, Microseconds(RecordedAt));
        WriteText(bytes, TenantId);
        WriteBlock(bytes, CanonicalJson.Canonicalize(DataJson));
        WriteOptionalText(bytes, User);
        WriteOptionalText(bytes, CorrelationId);
        WriteOptionalText(bytes, CausationId);
        var headers = CanonicalHeaders();
        bytes.WriteByte(headers is null ? (byte)0 : (byte)1);
        if (headers is not null)
        {
            WriteBlock(bytes, headers);
        }

        return bytes.ToArray();
    }

    /// <summary>Microseconds since 1970-01-01T00:00:00Z: the precision PostgreSQL keeps.</summary>
    public static long Microseconds(DateTimeOffset moment) => (moment.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    private byte[]? CanonicalHeaders()
    {
        if (HeadersJson is null)
        {
            return null;
        }

        var headers = JsonNode.Parse(HeadersJson);
        if (headers is JsonObject members)
        {
            members.Remove(ImportHeader);
            if (members.Count == 0)
            {
                return null;
            }
        }
        else if (headers is null)
        {
            return null;
        }

        return CanonicalJson.Canonicalize(headers.ToJsonString());
    }

    private static void WriteInt64(Stream bytes, long value)
    {
        Span<byte> buffer = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(buffer, value);
        bytes.Write(buffer);
    }

    private static void WriteBlock(Stream bytes, ReadOnlySpan<byte> block)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)block.Length);
        bytes.Write(length);
        bytes.Write(block);
    }

    private static void WriteText(Stream bytes, string text) => WriteBlock(bytes, Encoding.UTF8.GetBytes(text));

    private static void WriteOptionalText(Stream bytes, string? text)
    {
        bytes.WriteByte(text is null ? (byte)0 : (byte)1);
        if (text is not null)
        {
            WriteText(bytes, text);
        }
    }
}
