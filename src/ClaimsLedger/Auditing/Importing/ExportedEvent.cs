using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace ClaimsLedger.Auditing.Importing;

/// <summary>A text field of an exported event: the file's own UTF-8 bytes, a string, or null.</summary>
internal readonly ref struct ExportedText
{
    private readonly ReadOnlySpan<byte> _utf8;
    private readonly string? _text;
    private readonly bool _isUtf8;

    private ExportedText(ReadOnlySpan<byte> utf8, string? text, bool isUtf8)
    {
        _utf8 = utf8;
        _text = text;
        _isUtf8 = isUtf8;
    }

    public static ExportedText Utf8(ReadOnlySpan<byte> utf8) => new(utf8, null, isUtf8: true);

    public static ExportedText Of(string? text) => new(default, text, isUtf8: false);

    public bool IsNull => !_isUtf8 && _text is null;

    public void WriteTo(BinaryCopyWriter copy)
    {
        if (_isUtf8)
        {
            copy.WriteText(_utf8);
        }
        else
        {
            copy.WriteText(_text);
        }
    }

    /// <summary>The text as a string, reusing <paramref name="last"/> when it is the same text (a few stream types and tenants repeat).</summary>
    public string? AsString(string? last) =>
        !_isUtf8 ? _text
        : last is not null && Ascii.Equals(_utf8, last) ? last
        : Encoding.UTF8.GetString(_utf8);
}

/// <summary>
/// One line of an NDJSON export, read from its UTF-8 bytes without materializing it: the payload and the headers stay the
/// file's bytes, and no string is made. <see cref="TryRead"/> takes only the shape <see cref="EventLog"/> writes (each of the
/// fourteen fields once, by its exact name, a value of the expected kind, no escaped text); anything else is read by
/// <see cref="JsonSerializer"/> into a <see cref="LoggedEvent"/> (<see cref="Of"/>), as every line was before, so that
/// reading stays the reference for what a line means and for the errors a bad line gets.
/// </summary>
internal ref struct ExportedEvent
{
    private const int EveryField = (1 << 14) - 1;

    public long Sequence;
    public Guid Id;
    public Guid StreamId;
    public ExportedText StreamType;
    public long Version;
    public ExportedText Type;
    public ExportedText DotnetType;
    public DateTimeOffset RecordedAt;
    public ExportedText TenantId;
    public ExportedText User;
    public ExportedText CorrelationId;
    public ExportedText CausationId;

    /// <summary>The payload's JSON as the file has it (read directly).</summary>
    public ReadOnlySpan<byte> Data;

    /// <summary>The event's own headers object as the file has it, empty when the file has null (read directly).</summary>
    public ReadOnlySpan<byte> Headers;

    /// <summary>Whether <see cref="Headers"/> has any property.</summary>
    public bool HeadersHaveProperties;

    /// <summary>The event as the serializer read it, when the line was not in the export's own shape.</summary>
    public LoggedEvent? Logged;

    /// <summary>The event as the serializer read it.</summary>
    public static ExportedEvent Of(LoggedEvent logged) => new()
    {
        Sequence = logged.Sequence,
        Id = logged.Id,
        StreamId = logged.StreamId,
        StreamType = ExportedText.Of(logged.StreamType),
        Version = logged.Version,
        Type = ExportedText.Of(logged.Type),
        DotnetType = ExportedText.Of(logged.DotnetType),
        RecordedAt = logged.RecordedAt,
        TenantId = ExportedText.Of(logged.TenantId),
        User = ExportedText.Of(logged.User),
        CorrelationId = ExportedText.Of(logged.CorrelationId),
        CausationId = ExportedText.Of(logged.CausationId),
        Logged = logged,
    };

    /// <summary>Reads a line in the export's own shape; false for any other line, valid or not.</summary>
    public static bool TryRead(ReadOnlySpan<byte> line, out ExportedEvent read)
    {
        read = default;
        var json = new Utf8JsonReader(line);
        try
        {
            if (!json.Read() || json.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            var seen = 0;
            Range data = default, headers = default;
            while (json.Read() && json.TokenType == JsonTokenType.PropertyName)
            {
                var field = json.ValueIsEscaped ? -1 : Field(json.ValueSpan);
                if (field < 0 || (seen & (1 << field)) != 0 || !json.Read())
                {
                    return false;
                }

                seen |= 1 << field;
                var valid = field switch
                {
                    0 => Int64(ref json, out read.Sequence),
                    1 => Uuid(ref json, out read.Id),
                    2 => Uuid(ref json, out read.StreamId),
                    3 => Text(ref json, nullable: true, out read.StreamType),
                    4 => Int64(ref json, out read.Version),
                    5 => Text(ref json, nullable: false, out read.Type),
                    6 => Text(ref json, nullable: true, out read.DotnetType),
                    7 => json.TokenType == JsonTokenType.String && json.TryGetDateTimeOffset(out read.RecordedAt),
                    8 => Text(ref json, nullable: true, out read.TenantId),
                    9 => Text(ref json, nullable: true, out read.User),
                    10 => Text(ref json, nullable: true, out read.CorrelationId),
                    11 => Text(ref json, nullable: true, out read.CausationId),
                    12 => ReadHeaders(ref json, out headers, out read.HeadersHaveProperties),
                    _ => ReadData(ref json, out data),
                };
                if (!valid)
                {
                    return false;
                }
            }

            read.Data = line[data];
            read.Headers = line[headers];
            // The object ended, every field was there, and nothing follows it on the line.
            return json.TokenType == JsonTokenType.EndObject && json.CurrentDepth == 0 && seen == EveryField && !json.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static int Field(ReadOnlySpan<byte> name) =>
        name.SequenceEqual("sequence"u8) ? 0
        : name.SequenceEqual("id"u8) ? 1
        : name.SequenceEqual("streamId"u8) ? 2
        : name.SequenceEqual("streamType"u8) ? 3
        : name.SequenceEqual("version"u8) ? 4
        : name.SequenceEqual("type"u8) ? 5
        : name.SequenceEqual("dotnetType"u8) ? 6
        : name.SequenceEqual("recordedAt"u8) ? 7
        : name.SequenceEqual("tenantId"u8) ? 8
        : name.SequenceEqual("user"u8) ? 9
        : name.SequenceEqual("correlationId"u8) ? 10
        : name.SequenceEqual("causationId"u8) ? 11
        : name.SequenceEqual("headers"u8) ? 12
        : name.SequenceEqual("data"u8) ? 13
        : -1;

    private static bool Int64(scoped ref Utf8JsonReader json, out long value)
    {
        value = 0;
        return json.TokenType == JsonTokenType.Number && json.TryGetInt64(out value);
    }

    private static bool Uuid(scoped ref Utf8JsonReader json, out Guid value)
    {
        value = Guid.Empty;
        return json.TokenType == JsonTokenType.String && !json.ValueIsEscaped && json.TryGetGuid(out value);
    }

    /// <summary>Unescaped, valid UTF-8 text (the serializer refuses invalid UTF-8; escaped text it decodes, so that goes to it).</summary>
    private static bool Text(scoped ref Utf8JsonReader json, bool nullable, out ExportedText value)
    {
        value = default;
        if (json.TokenType == JsonTokenType.Null)
        {
            value = ExportedText.Of(null);
            return nullable;
        }

        if (json.TokenType != JsonTokenType.String || json.ValueIsEscaped || !Utf8.IsValid(json.ValueSpan))
        {
            return false;
        }

        value = ExportedText.Utf8(json.ValueSpan);
        return true;
    }

    /// <summary>Any JSON value but null (the serializer's reading of a null payload is left to it).</summary>
    private static bool ReadData(scoped ref Utf8JsonReader json, out Range data)
    {
        data = default;
        if (json.TokenType == JsonTokenType.Null)
        {
            return false;
        }

        var start = (int)json.TokenStartIndex;
        json.Skip();
        data = start..(int)json.BytesConsumed;
        return true;
    }

    /// <summary>
    /// Null (an empty range), or an object with no escaped text anywhere in it: the import adds its header to such an
    /// object by appending to its JSON, which PostgreSQL's jsonb reads exactly as the object re-written without an earlier
    /// "import" header and with the new one (jsonb keeps the last of duplicate keys). Escaped text is left to the
    /// serializer, whose re-writing refuses what it cannot encode (a lone surrogate).
    /// </summary>
    private static bool ReadHeaders(scoped ref Utf8JsonReader json, out Range headers, out bool hasProperties)
    {
        headers = default;
        hasProperties = false;
        if (json.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (json.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        var start = (int)json.TokenStartIndex;
        var depth = json.CurrentDepth;
        while (json.Read() && !(json.TokenType == JsonTokenType.EndObject && json.CurrentDepth == depth))
        {
            if (json.TokenType is JsonTokenType.PropertyName or JsonTokenType.String && json.ValueIsEscaped)
            {
                return false;
            }

            hasProperties |= json.TokenType == JsonTokenType.PropertyName && json.CurrentDepth == depth + 1;
        }

        headers = start..(int)json.BytesConsumed;
        return true;
    }
}
