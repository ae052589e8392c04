using System.Text;
using System.Text.Json;
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

    public byte[] LeafHash()
    {
        var hash = new byte[Merkle.HashSize];
        LeafPreimage.ForThisThread.LeafHash(Fields(stackalloc byte[16], stackalloc byte[16]), hash);
        return hash;
    }

    public byte[] CanonicalBytes() => LeafPreimage.ForThisThread.Build(Fields(stackalloc byte[16], stackalloc byte[16]))[1..].ToArray();

    /// <summary>Microseconds since 1970-01-01T00:00:00Z: the precision PostgreSQL keeps.</summary>
    public static long Microseconds(DateTimeOffset moment) => (moment.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    private EventFields Fields(Span<byte> id, Span<byte> streamId)
    {
        Id.TryWriteBytes(id, bigEndian: true, out _);
        StreamId.TryWriteBytes(streamId, bigEndian: true, out _);
        return new EventFields
        {
            Sequence = Sequence,
            Id = id,
            StreamId = streamId,
            Version = Version,
            Type = Encoding.UTF8.GetBytes(Type),
            RecordedAtMicroseconds = Microseconds(RecordedAt),
            TenantId = Encoding.UTF8.GetBytes(TenantId),
            DataText = DataJson,
            HasUser = User is not null,
            User = User is null ? default : Encoding.UTF8.GetBytes(User),
            HasCorrelationId = CorrelationId is not null,
            CorrelationId = CorrelationId is null ? default : Encoding.UTF8.GetBytes(CorrelationId),
            HasCausationId = CausationId is not null,
            CausationId = CausationId is null ? default : Encoding.UTF8.GetBytes(CausationId),
            HeadersText = HeadersJson,
        };
    }
}
