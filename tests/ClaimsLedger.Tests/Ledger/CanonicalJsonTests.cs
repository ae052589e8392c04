using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ClaimsLedger.Ledger;
using CsCheck;
using Shouldly;

namespace ClaimsLedger.Tests.Ledger;

/// <summary>
/// The streaming canonicalizer and the leaf builder against the definitions they replaced for speed: the same
/// bytes for any JSON text, and an error wherever the definition fails. The leaf layout's definition is kept
/// here as it was first written (<see cref="ReferenceCanonicalBytes"/>).
/// </summary>
public sealed class CanonicalJsonTests
{
    private const int Iterations = 4000;

    [Fact]
    public void Any_json_text_canonicalizes_to_the_references_bytes_or_fails_where_it_fails() =>
        Gen.Int.Sample(seed =>
        {
            var random = new Random(seed);
            var json = RandomJson.Text(random);
            var expected = Outcome(() => CanonicalJson.Reference.Canonicalize(json));

            Outcome(() => CanonicalJson.Canonicalize(json)).ShouldBe(expected, json);

            // As a row's bytes (a lone surrogate becomes U+FFFD there): what the old read decoded them to, canonicalized.
            var utf8 = Encoding.UTF8.GetBytes(json);
            Outcome(() =>
            {
                var output = new ByteBuffer(16);
                new JsonCanonicalizer().Write(utf8, output);
                return output.WrittenSpan.ToArray();
            }).ShouldBe(Outcome(() => CanonicalJson.Reference.Canonicalize(Encoding.UTF8.GetString(utf8))), json);
        }, iter: Iterations);

    [Fact]
    public void Any_event_gives_the_canonical_bytes_of_the_layout_as_first_written() =>
        Gen.Int.Sample(seed =>
        {
            var random = new Random(seed);
            var logged = new LedgerEvent(
                random.NextInt64(-5, long.MaxValue), Guid.NewGuid(), Guid.NewGuid(), random.NextInt64(0, 1000), RandomJson.String(random, 12),
                DateTimeOffset.UnixEpoch.AddTicks(random.NextInt64(0, 3_000_000_000_000_000)), random.Next(3) == 0 ? "*DEFAULT*" : RandomJson.String(random, 8),
                RandomJson.Text(random), Optional(random), Optional(random), Optional(random), Headers(random));
            var expected = Outcome(() => ReferenceCanonicalBytes(logged));

            Outcome(logged.CanonicalBytes).ShouldBe(expected, $"data {logged.DataJson}, headers {logged.HeadersJson}");
            if (!expected.StartsWith("throws", StringComparison.Ordinal))
            {
                logged.LeafHash().ShouldBe(Merkle.LeafHash(Convert.FromHexString(expected)));
            }
        }, iter: Iterations);

    [Fact]
    public void Names_order_by_utf16_code_units_whatever_their_utf8()
    {
        Gen.Int.Sample(seed =>
        {
            var random = new Random(seed);
            var (x, y) = (RandomJson.String(random, 4, raw: true), RandomJson.String(random, 4, raw: true));

            Math.Sign(JsonCanonicalizer.CompareUtf8AsUtf16(Encoding.UTF8.GetBytes(x), Encoding.UTF8.GetBytes(y)))
                .ShouldBe(Math.Sign(string.CompareOrdinal(x, y)), $"{x} vs {y}");
        }, iter: Iterations);
    }

    [Fact]
    public void The_frontier_gives_the_roots_the_stored_trees_growth_gives()
    {
        var frontier = new MerkleFrontier();
        var growth = new TreeGrowth(0, new Dictionary<NodeKey, byte[]>());
        frontier.Root().ShouldBe(growth.Root());
        for (var i = 0; i < 300; i++)
        {
            var leaf = Merkle.LeafHash(Encoding.UTF8.GetBytes($"event {i}"));
            frontier.Append(leaf);
            growth.Append(leaf);

            frontier.Size.ShouldBe(growth.Size);
            frontier.Root().ShouldBe(growth.Root(), $"at {i + 1} leaves");
        }
    }

    private static string? Optional(Random random) => random.Next(3) == 0 ? null : RandomJson.String(random, 6);

    private static string? Headers(Random random) => random.Next(6) switch
    {
        0 => null,
        1 => "null",
        2 => """{"import":{"by":"alice"}}""",
        3 => "{}",
        4 => $$"""{"import":{"by":"alice"},"user-roles":{{RandomJson.Text(random)}}}""",
        _ => RandomJson.Text(random),
    };

    /// <summary>The bytes in hex, or the type of the exception: what a caller can tell apart.</summary>
    private static string Outcome(Func<byte[]> canonicalize)
    {
        try
        {
            return Convert.ToHexString(canonicalize());
        }
#pragma warning disable CA1031 // Any exception is an outcome to compare.
        catch (Exception error)
#pragma warning restore CA1031
        {
            return $"throws {error.GetType().Name}";
        }
    }

    /// <summary>The leaf layout as first written (docs/ledger.md): a stream, the document-based canonical JSON, headers through a JsonNode.</summary>
    private static byte[] ReferenceCanonicalBytes(LedgerEvent e)
    {
        using var bytes = new MemoryStream();
        bytes.Write(LedgerEvent.Magic);
        WriteInt64(bytes, e.Sequence);
        bytes.Write(e.Id.ToByteArray(bigEndian: true));
        bytes.Write(e.StreamId.ToByteArray(bigEndian: true));
        WriteInt64(bytes, e.Version);
        WriteText(bytes, e.Type);
        WriteInt64(bytes, LedgerEvent.Microseconds(e.RecordedAt));
        WriteText(bytes, e.TenantId);
        WriteBlock(bytes, CanonicalJson.Reference.Canonicalize(e.DataJson));
        WriteOptionalText(bytes, e.User);
        WriteOptionalText(bytes, e.CorrelationId);
        WriteOptionalText(bytes, e.CausationId);
        byte[]? headers = null;
        if (e.HeadersJson is not null)
        {
            var node = JsonNode.Parse(e.HeadersJson);
            if (node is JsonObject members)
            {
                members.Remove(LedgerEvent.ImportHeader);
                headers = members.Count == 0 ? null : CanonicalJson.Reference.Canonicalize(members.ToJsonString());
            }
            else if (node is not null)
            {
                headers = CanonicalJson.Reference.Canonicalize(node.ToJsonString());
            }
        }

        bytes.WriteByte(headers is null ? (byte)0 : (byte)1);
        if (headers is not null)
        {
            WriteBlock(bytes, headers);
        }

        return bytes.ToArray();

        static void WriteInt64(Stream bytes, long value)
        {
            Span<byte> buffer = stackalloc byte[8];
            BinaryPrimitives.WriteInt64BigEndian(buffer, value);
            bytes.Write(buffer);
        }

        static void WriteBlock(Stream bytes, ReadOnlySpan<byte> block)
        {
            Span<byte> length = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(length, (uint)block.Length);
            bytes.Write(length);
            bytes.Write(block);
        }

        static void WriteText(Stream bytes, string text) => WriteBlock(bytes, Encoding.UTF8.GetBytes(text));

        static void WriteOptionalText(Stream bytes, string? text)
        {
            bytes.WriteByte(text is null ? (byte)0 : (byte)1);
            if (text is not null)
            {
                WriteText(bytes, text);
            }
        }
    }

    /// <summary>
    /// JSON texts as PostgreSQL, an export or a person might write them: any whitespace, escaped or raw characters
    /// from every part of Unicode that orders differently in UTF-8 and UTF-16, numbers in every notation, duplicate
    /// names, deep nesting, and now and then a text cut short or with a lone surrogate.
    /// </summary>
    private static class RandomJson
    {
        private static readonly string[] Characters =
        [
            "a", "b", "Z", "0", " ", "/", "\"", "\\", "\n", "\t", "\b", "\f", "\r", "\u0001", "\u001f", "\u007f", "é", "\u0080", "€",
            "\u2028", "\ud7ff", "\ue000", "\uffee", "\ufeff", "\ufffd", "😀", "𐀀", "import",
        ];

        private static readonly string[] Numbers =
        [
            "0", "-0", "1", "-1", "42", "4.50", "0.002", "-0.0", "1E-7", "1e21", "1e20", "1e+2", "123456789012345", "-123456789012345",
            "1234567890123456", "9007199254740993", "333333333.33333329", "5e-324", "-5e-324", "1.7976931348623157e308", "1e400",
            "0.1", "100", "1000000000000000000000",
        ];

        public static string Text(Random random)
        {
            var text = new StringBuilder();
            Value(random, text, 0);
            Space(random, text);
            var json = text.ToString();
            return random.Next(25) switch
            {
                0 => json[..random.Next(json.Length + 1)],
                1 => json + " x",
                2 => "\"\\ud800\"",
                _ => json,
            };
        }

        /// <summary>A string's characters (raw: as .NET text, for comparing).</summary>
        public static string String(Random random, int maxLength, bool raw = true)
        {
            var text = new StringBuilder();
            var length = random.Next(maxLength + 1);
            for (var i = 0; i < length; i++)
            {
                text.Append(Characters[random.Next(Characters.Length)]);
            }

            return raw ? text.ToString() : Quoted(random, text.ToString());
        }

        private static void Value(Random random, StringBuilder text, int depth)
        {
            Space(random, text);
            switch (random.Next(depth > 3 ? 4 : 7))
            {
                case 0:
                    text.Append(String(random, 6, raw: false));
                    break;
                case 1:
                    text.Append(random.Next(4) == 0
                        ? random.NextDouble().ToString("R", CultureInfo.InvariantCulture)
                        : Numbers[random.Next(Numbers.Length)]);
                    break;
                case 2:
                    text.Append(random.Next(3) switch { 0 => "true", 1 => "false", _ => "null" });
                    break;
                case 3:
                    text.Append(random.Next(2) == 0 ? "[]" : "{}");
                    break;
                case 4:
                case 5:
                    var names = new List<string>();
                    text.Append('{');
                    var members = random.Next(1, 7);
                    for (var i = 0; i < members; i++)
                    {
                        if (i > 0)
                        {
                            text.Append(',');
                        }

                        Space(random, text);
                        var name = names.Count > 0 && random.Next(8) == 0 ? names[random.Next(names.Count)] : String(random, 3);
                        names.Add(name);
                        text.Append(Quoted(random, name));
                        Space(random, text);
                        text.Append(':');
                        Value(random, text, depth + 1);
                    }

                    Space(random, text);
                    text.Append('}');
                    break;
                default:
                    text.Append('[');
                    var items = random.Next(1, 4);
                    for (var i = 0; i < items; i++)
                    {
                        if (i > 0)
                        {
                            text.Append(',');
                        }

                        Value(random, text, depth + 1);
                    }

                    Space(random, text);
                    text.Append(']');
                    break;
            }
        }

        /// <summary>A JSON string literal of the text, each character raw where JSON allows or escaped one way or another.</summary>
        private static string Quoted(Random random, string value)
        {
            var text = new StringBuilder("\"");
            foreach (var c in value)
            {
                var mustEscape = c < 0x20 || c == '"' || c == '\\';
                switch (mustEscape ? random.Next(1, 3) : random.Next(5))
                {
                    case 1:
                        text.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
                        break;
                    case 2:
                        text.Append(c switch
                        {
                            '"' => "\\\"",
                            '\\' => "\\\\",
                            '\n' => "\\n",
                            '\t' => "\\t",
                            '/' => "\\/",
                            _ => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}"),
                        });
                        break;
                    default:
                        text.Append(c);
                        break;
                }
            }

            return text.Append('"').ToString();
        }

        private static void Space(Random random, StringBuilder text)
        {
            if (random.Next(3) == 0)
            {
                text.Append(random.Next(3) switch { 0 => " ", 1 => "\n  ", _ => "\t" });
            }
        }
    }

    [Fact]
    public void The_pinned_leaf_is_what_the_reference_layout_gives()
    {
        var logged = new LedgerEvent(
            42, Guid.Parse("3296ef9b-b00d-488e-b4ce-dadea0e6e758"), Guid.Parse("971a08e1-f5f5-8674-b427-824a5b6a038c"), 1, "organization_registered",
            DateTimeOffset.Parse("2026-11-24T20:25:02.425284+00:00", CultureInfo.InvariantCulture), "*DEFAULT*",
            """{"name":"U.S. Department of Defense","aliases":["Pentagon"]}""", "sample-loader-recorder", "53e1deb56f68f5d491f179cba33fdbce", null,
            """{"user-roles":"recorder"}""");

        Convert.ToHexStringLower(SHA256.HashData([0, .. ReferenceCanonicalBytes(logged)]))
            .ShouldBe("ac271155de548ada307eef9c83012a8306d51efb39ef2333e923a2b4fb9aabae");
    }
}
