using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ClaimsLedger.Ledger;

/// <summary>
/// RFC 8785 (JSON Canonicalization Scheme): object members sorted by their names' UTF-16 code units,
/// no whitespace, strings escaped only where JSON requires, numbers as ECMAScript prints them. Any
/// two texts of the same JSON value give the same bytes, so a leaf hash does not depend on how
/// PostgreSQL or an export happened to format the JSON.
/// </summary>
public static class CanonicalJson
{
    /// <summary>How deep a document may nest (System.Text.Json's default is 64).</summary>
    internal const int MaxDepth = 256;

    public static byte[] Canonicalize(string json)
    {
        var output = new ByteBuffer(json.Length + 16);
        new JsonCanonicalizer().Write(json, output);
        return output.WrittenSpan.ToArray();
    }

    public static byte[] Canonicalize(JsonElement element) => Reference.Canonicalize(element);

    /// <summary>
    /// The canonicalization through a parsed document: the definition <see cref="JsonCanonicalizer"/> must
    /// match byte for byte (the tests compare them), and where it hands over any text it does not take.
    /// </summary>
    internal static class Reference
    {
        public static byte[] Canonicalize(string json)
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = MaxDepth });
            var buffer = new ArrayBufferWriter<byte>(json.Length);
            Write(document.RootElement, buffer);
            return buffer.WrittenSpan.ToArray();
        }

        public static byte[] Canonicalize(JsonElement element)
        {
            var buffer = new ArrayBufferWriter<byte>();
            Write(element, buffer);
            return buffer.WrittenSpan.ToArray();
        }

        private static void Write(JsonElement element, ArrayBufferWriter<byte> output)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    output.Write("{"u8);
                    var first = true;
                    foreach (var member in element.EnumerateObject().OrderBy(member => member.Name, StringComparer.Ordinal))
                    {
                        if (!first)
                        {
                            output.Write(","u8);
                        }

                        first = false;
                        WriteString(member.Name, output);
                        output.Write(":"u8);
                        Write(member.Value, output);
                    }

                    output.Write("}"u8);
                    break;
                case JsonValueKind.Array:
                    output.Write("["u8);
                    var index = 0;
                    foreach (var item in element.EnumerateArray())
                    {
                        if (index++ > 0)
                        {
                            output.Write(","u8);
                        }

                        Write(item, output);
                    }

                    output.Write("]"u8);
                    break;
                case JsonValueKind.String:
                    WriteString(element.GetString()!, output);
                    break;
                case JsonValueKind.Number:
                    output.Write(Encoding.UTF8.GetBytes(FormatNumber(element.GetDouble())));
                    break;
                case JsonValueKind.True:
                    output.Write("true"u8);
                    break;
                case JsonValueKind.False:
                    output.Write("false"u8);
                    break;
                default:
                    output.Write("null"u8);
                    break;
            }
        }

        private static void WriteString(string value, ArrayBufferWriter<byte> output)
        {
            var text = new StringBuilder(value.Length + 2).Append('"');
            foreach (var c in value)
            {
                switch (c)
                {
                    case '"': text.Append("\\\""); break;
                    case '\\': text.Append("\\\\"); break;
                    case '\b': text.Append("\\b"); break;
                    case '\f': text.Append("\\f"); break;
                    case '\n': text.Append("\\n"); break;
                    case '\r': text.Append("\\r"); break;
                    case '\t': text.Append("\\t"); break;
                    default:
                        if (c < 0x20)
                        {
                            text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        }
                        else
                        {
                            text.Append(c);
                        }

                        break;
                }
            }

            output.Write(Encoding.UTF8.GetBytes(text.Append('"').ToString()));
        }
    }

    /// <summary>ECMAScript's Number.prototype.toString, as RFC 8785 section 3.2.2.3 requires.</summary>
    public static string FormatNumber(double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            throw new InvalidDataException("JSON has no NaN or Infinity.");
        }

        if (value == 0)
        {
            return "0";
        }

        // The shortest digits that round-trip, and the decimal exponent: value = 0.d1d2...dk × 10^n.
        var shortest = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        var (digits, n) = Decompose(shortest);
        var sign = value < 0 ? "-" : "";
        var k = digits.Length;
        if (k <= n && n <= 21)
        {
            return sign + digits + new string('0', n - k);
        }

        if (0 < n && n <= 21)
        {
            return sign + digits[..n] + "." + digits[n..];
        }

        if (-6 < n && n <= 0)
        {
            return sign + "0." + new string('0', -n) + digits;
        }

        var exponent = n - 1;
        var mantissa = k == 1 ? digits : digits[..1] + "." + digits[1..];
        return sign + mantissa + "e" + (exponent >= 0 ? "+" : "-") + Math.Abs(exponent).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Splits .NET's round-trip text ("1.5E-07", "123.45") into significant digits and the exponent n.</summary>
    private static (string Digits, int N) Decompose(string text)
    {
        var exponent = 0;
        var e = text.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            text = text[..e];
        }

        var point = text.IndexOf('.', StringComparison.Ordinal);
        var integerPart = point >= 0 ? text[..point] : text;
        var fraction = point >= 0 ? text[(point + 1)..] : "";
        var all = integerPart + fraction;
        var leadingZeros = all.Length - all.TrimStart('0').Length;
        var digits = all.Trim('0');
        var n = integerPart.Length + exponent - leadingZeros;
        return (digits.Length == 0 ? "0" : digits, n);
    }
}
