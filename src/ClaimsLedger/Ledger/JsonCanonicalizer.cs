using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace ClaimsLedger.Ledger;

/// <summary>
/// RFC 8785 straight from UTF-8 text into a buffer: one pass of a <see cref="Utf8JsonReader"/>, no document, no
/// strings for names and values that need no unescaping. An object's members are written in the order they
/// come, then moved into canonical order in place. Produces exactly the bytes of
/// <see cref="CanonicalJson.Reference"/>; any text it does not take as it is (invalid UTF-8, escapes it would have
/// to decode, an error) is handed to the reference, so errors and edge cases stay the reference's own.
/// Not thread-safe: one per thread, reused across events.
/// </summary>
internal sealed class JsonCanonicalizer
{
    /// <summary>System.Text.Json's default depth, which JsonNode.Parse (the reference for headers) applies.</summary>
    private const int HeadersMaxDepth = 64;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Stack<List<Member>> _memberLists = new();
    private readonly ByteBuffer _scratch = new(1024);
    private readonly MemberOrder _order = new();

    /// <summary>Appends the canonical form of <paramref name="json"/> to <paramref name="output"/>.</summary>
    public void Write(ReadOnlySpan<byte> json, ByteBuffer output)
    {
        var mark = output.Length;
        if (Utf8.IsValid(json) && TryWrite(json, output, CanonicalJson.MaxDepth, headers: false) is not null)
        {
            return;
        }

        output.Length = mark;
        output.Write(CanonicalJson.Reference.Canonicalize(StrictUtf8.GetString(json)));
    }

    public void Write(string json, ByteBuffer output)
    {
        var mark = output.Length;
        if (TryEncode(json) is { } utf8 && TryWrite(utf8, output, CanonicalJson.MaxDepth, headers: false) is not null)
        {
            return;
        }

        output.Length = mark;
        output.Write(CanonicalJson.Reference.Canonicalize(json));
    }

    /// <summary>
    /// Appends the canonical form of an event's headers without their top-level <c>import</c> member, and says
    /// whether anything is left (JSON null, or an object with nothing but <c>import</c>, counts as absent).
    /// </summary>
    public bool WriteHeaders(ReadOnlySpan<byte> json, ByteBuffer output)
    {
        var mark = output.Length;
        if (Utf8.IsValid(json) && TryWrite(json, output, HeadersMaxDepth, headers: true) is { } present)
        {
            return present;
        }

        output.Length = mark;
        return ReferenceHeaders(StrictUtf8.GetString(json), output);
    }

    public bool WriteHeaders(string json, ByteBuffer output)
    {
        var mark = output.Length;
        if (TryEncode(json) is { } utf8 && TryWrite(utf8, output, HeadersMaxDepth, headers: true) is { } present)
        {
            return present;
        }

        output.Length = mark;
        return ReferenceHeaders(json, output);
    }

    /// <summary>The headers as the ledger first defined them: through a JsonNode, import removed, then canonicalized.</summary>
    private static bool ReferenceHeaders(string json, ByteBuffer output)
    {
        var headers = System.Text.Json.Nodes.JsonNode.Parse(json);
        if (headers is System.Text.Json.Nodes.JsonObject members)
        {
            members.Remove(LedgerEvent.ImportHeader);
            if (members.Count == 0)
            {
                return false;
            }
        }
        else if (headers is null)
        {
            return false;
        }

        output.Write(CanonicalJson.Reference.Canonicalize(headers.ToJsonString()));
        return true;
    }

    private static byte[]? TryEncode(string json)
    {
        try
        {
            return StrictUtf8.GetBytes(json);
        }
        catch (EncoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>Null when the text is not taken here (the reference decides); else, for headers, whether any are left.</summary>
    private bool? TryWrite(ReadOnlySpan<byte> json, ByteBuffer output, int maxDepth, bool headers)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = maxDepth });
        try
        {
            if (!reader.Read())
            {
                return null;
            }

            var present = true;
            if (headers && reader.TokenType == JsonTokenType.Null)
            {
                present = false;
            }
            else if (headers && reader.TokenType == JsonTokenType.StartObject)
            {
                present = WriteObject(ref reader, output, dropImport: true);
            }
            else
            {
                WriteValue(ref reader, output);
            }

            // Whitespace may follow the value, nothing else (the reader throws on anything else).
            return reader.Read() ? null : present;
        }
#pragma warning disable CA1031 // Whatever stops the stream (this value, or a later one), the reference decides what it is.
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }

    private void WriteValue(ref Utf8JsonReader reader, ByteBuffer output)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                WriteObject(ref reader, output, dropImport: false);
                break;
            case JsonTokenType.StartArray:
                output.WriteByte((byte)'[');
                var first = true;
                while (Next(ref reader) != JsonTokenType.EndArray)
                {
                    if (!first)
                    {
                        output.WriteByte((byte)',');
                    }

                    first = false;
                    WriteValue(ref reader, output);
                }

                output.WriteByte((byte)']');
                break;
            case JsonTokenType.String:
                WriteString(ref reader, output);
                break;
            case JsonTokenType.Number:
                WriteNumber(ref reader, output);
                break;
            case JsonTokenType.True:
                output.Write("true"u8);
                break;
            case JsonTokenType.False:
                output.Write("false"u8);
                break;
            case JsonTokenType.Null:
                output.Write("null"u8);
                break;
            default:
                throw new NotTakenException();
        }
    }

    /// <summary>Writes the object the reader stands at; returns whether it had any member left (after dropping import).</summary>
    private bool WriteObject(ref Utf8JsonReader reader, ByteBuffer output, bool dropImport)
    {
        var members = _memberLists.Count > 0 ? _memberLists.Pop() : [];
        try
        {
            output.WriteByte((byte)'{');
            var region = output.Length;
            var imports = 0;
            while (Next(ref reader) != JsonTokenType.EndObject)
            {
                if (dropImport && reader.ValueTextEquals(LedgerEvent.ImportHeader))
                {
                    // JsonObject.Remove drops one member; with two of that name the reference decides.
                    if (++imports > 1)
                    {
                        throw new NotTakenException();
                    }

                    Next(ref reader);
                    reader.Skip();
                    continue;
                }

                if (members.Count > 0)
                {
                    output.WriteByte((byte)',');
                }

                var start = output.Length;
                string? decoded = null;
                var nameLength = 0;
                var prefix = 0UL;
                if (reader.ValueIsEscaped)
                {
                    decoded = reader.GetString()!;
                    WriteEscaped(decoded, output);
                }
                else
                {
                    nameLength = reader.ValueSpan.Length;
                    prefix = Prefix(reader.ValueSpan);
                    output.WriteByte((byte)'"');
                    output.Write(reader.ValueSpan);
                    output.WriteByte((byte)'"');
                }

                output.WriteByte((byte)':');
                Next(ref reader);
                WriteValue(ref reader, output);
                members.Add(new Member(start, nameLength, decoded, output.Length, members.Count, prefix));
            }

            if (members.Count > 1)
            {
                _order.Output = output;
                if (dropImport && HasDuplicateNames(members))
                {
                    // A JsonObject (the reference for headers) does not take duplicate names as they come.
                    throw new NotTakenException();
                }

                if (Sort(members))
                {
                    Reorder(members, output, region);
                }
            }

            output.WriteByte((byte)'}');
            return members.Count > 0;
        }
        finally
        {
            members.Clear();
            _memberLists.Push(members);
        }
    }

    /// <summary>Puts the members in canonical order; says whether any moved. Objects are small: insertion sort, stable.</summary>
    private bool Sort(List<Member> members)
    {
        if (members.Count > 64)
        {
            var before = members.ToArray();
            members.Sort(_order);
            return !members.SequenceEqual(before);
        }

        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(members);
        var moved = false;
        for (var i = 1; i < span.Length; i++)
        {
            var member = span[i];
            var j = i;
            while (j > 0 && _order.Compare(span[j - 1], member) > 0)
            {
                span[j] = span[j - 1];
                j--;
            }

            if (j != i)
            {
                span[j] = member;
                moved = true;
            }
        }

        return moved;
    }

    /// <summary>
    /// A name's first 8 bytes, big-endian and zero-padded (an unescaped name holds no zero byte), when byte order
    /// on them is UTF-16 order (no byte from 0xEE up); else 0, which sends the comparison to the whole names.
    /// </summary>
    private static ulong Prefix(ReadOnlySpan<byte> name)
    {
        Span<byte> padded = stackalloc byte[8];
        padded.Clear();
        var head = name[..Math.Min(name.Length, 8)];
        if (head.IndexOfAnyInRange((byte)0xEE, (byte)0xFF) >= 0)
        {
            return 0;
        }

        head.CopyTo(padded);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(padded);
    }

    private bool HasDuplicateNames(List<Member> members)
    {
        for (var i = 0; i < members.Count; i++)
        {
            for (var j = i + 1; j < members.Count; j++)
            {
                if (_order.CompareNames(members[i], members[j]) == 0)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Rewrites the members (written in arrival order, comma-separated) in canonical order.</summary>
    private void Reorder(List<Member> members, ByteBuffer output, int region)
    {
        _scratch.Length = 0;
        _scratch.Write(output.WrittenSpan[region..]);
        members.Sort(_order);
        output.Length = region;
        for (var i = 0; i < members.Count; i++)
        {
            if (i > 0)
            {
                output.WriteByte((byte)',');
            }

            output.Write(_scratch.WrittenSpan[(members[i].Start - region)..(members[i].End - region)]);
        }
    }

    private static void WriteString(ref Utf8JsonReader reader, ByteBuffer output)
    {
        if (reader.ValueIsEscaped)
        {
            WriteEscaped(reader.GetString()!, output);
            return;
        }

        // Unescaped JSON string text holds no quote, backslash or control character: it is already canonical.
        output.WriteByte((byte)'"');
        output.Write(reader.ValueSpan);
        output.WriteByte((byte)'"');
    }

    private static void WriteNumber(ref Utf8JsonReader reader, ByteBuffer output)
    {
        var text = reader.ValueSpan;
        if (IsShortInteger(text))
        {
            // Up to 15 digits a double holds exactly, and ECMAScript prints an integer below 10^21 digit by digit.
            output.Write(text.SequenceEqual("-0"u8) ? "0"u8 : text);
            return;
        }

        var formatted = CanonicalJson.FormatNumber(reader.GetDouble());
        Encoding.ASCII.GetBytes(formatted, output.Reserve(formatted.Length));
    }

    private static bool IsShortInteger(ReadOnlySpan<byte> text)
    {
        var digits = text.Length > 0 && text[0] == '-' ? text[1..] : text;
        return digits.Length is > 0 and <= 15 && !digits.ContainsAnyExceptInRange((byte)'0', (byte)'9');
    }

    /// <summary>A decoded string, escaped as RFC 8785 (and the reference) escape it.</summary>
    private static void WriteEscaped(string value, ByteBuffer output)
    {
        output.WriteByte((byte)'"');
        var text = value.AsSpan();
        var run = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c >= 0x20 && c != '"' && c != '\\')
            {
                continue;
            }

            WriteUtf8(text[run..i], output);
            run = i + 1;
            switch (c)
            {
                case '"': output.Write("\\\""u8); break;
                case '\\': output.Write("\\\\"u8); break;
                case '\b': output.Write("\\b"u8); break;
                case '\f': output.Write("\\f"u8); break;
                case '\n': output.Write("\\n"u8); break;
                case '\r': output.Write("\\r"u8); break;
                case '\t': output.Write("\\t"u8); break;
                default:
                    output.Write("\\u00"u8);
                    output.WriteByte(HexDigit(c >> 4));
                    output.WriteByte(HexDigit(c & 0xF));
                    break;
            }
        }

        WriteUtf8(text[run..], output);
        output.WriteByte((byte)'"');
    }

    private static byte HexDigit(int value) => (byte)(value < 10 ? '0' + value : 'a' + value - 10);

    private static void WriteUtf8(ReadOnlySpan<char> text, ByteBuffer output)
    {
        if (!text.IsEmpty)
        {
            output.Advance(Encoding.UTF8.GetBytes(text, output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length))));
        }
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader) =>
        reader.Read() ? reader.TokenType : throw new NotTakenException();

    /// <summary>A member as written: where it starts and ends in the output, its name, and where it came.</summary>
    /// <param name="Start">Offset of its opening quote.</param>
    /// <param name="NameLength">The name's UTF-8 length, when it is written as it came (not escaped).</param>
    /// <param name="Decoded">The name, when it had escapes.</param>
    /// <param name="End">Offset just after its value.</param>
    /// <param name="Index">Its place in the text: duplicate names keep their order, as in a stable sort.</param>
    /// <param name="Prefix">The name's first bytes as a number (see <see cref="JsonCanonicalizer.Prefix"/>), 0 if unusable.</param>
    private readonly record struct Member(int Start, int NameLength, string? Decoded, int End, int Index, ulong Prefix);

    /// <summary>RFC 8785's member order: names by UTF-16 code units, then (duplicates) as they came.</summary>
    private sealed class MemberOrder : IComparer<Member>
    {
        public ByteBuffer Output { get; set; } = null!;

        public int Compare(Member x, Member y)
        {
            if (x.Prefix != y.Prefix && x.Prefix != 0 && y.Prefix != 0)
            {
                return x.Prefix < y.Prefix ? -1 : 1;
            }

            var names = CompareNames(x, y);
            return names != 0 ? names : x.Index.CompareTo(y.Index);
        }

        public int CompareNames(Member x, Member y)
        {
            if (x.Decoded is null && y.Decoded is null)
            {
                return CompareUtf8AsUtf16(Name(x), Name(y));
            }

            return string.CompareOrdinal(x.Decoded ?? Encoding.UTF8.GetString(Name(x)), y.Decoded ?? Encoding.UTF8.GetString(Name(y)));
        }

        private ReadOnlySpan<byte> Name(Member member) => Output.WrittenSpan.Slice(member.Start + 1, member.NameLength);
    }

    /// <summary>
    /// Orders valid UTF-8 as its UTF-16 code units would order. Byte order is code point order, which differs
    /// in one place only: UTF-16 puts U+10000 and above (surrogates, 0xD800-0xDFFF) before U+E000-U+FFFF.
    /// </summary>
    internal static int CompareUtf8AsUtf16(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y)
    {
        var common = x.CommonPrefixLength(y);
        if (common == x.Length || common == y.Length)
        {
            return x.Length.CompareTo(y.Length);
        }

        // Past a common prefix of valid UTF-8, a 4-byte lead (0xF0-0xF4) can only face another lead byte.
        var (a, b) = (x[common], y[common]);
        if (a >= 0xF0 && b is 0xEE or 0xEF)
        {
            return -1;
        }

        if (b >= 0xF0 && a is 0xEE or 0xEF)
        {
            return 1;
        }

        return a.CompareTo(b);
    }

    /// <summary>Thrown where the text is left to the reference.</summary>
    private sealed class NotTakenException : Exception
    {
    }
}
