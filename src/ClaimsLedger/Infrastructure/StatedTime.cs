using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClaimsLedger.Infrastructure;

/// <summary>How precisely the moment of a statement is known.</summary>
public enum TimePrecision
{
    Year,
    Month,
    Day,
    Instant,
}

/// <summary>
/// When something was said, kept at the precision it is known to: "2016", "2016-01",
/// "2016-01-27" or an instant with an offset ("2016-01-27T15:30:00Z").
/// It serializes as that same string, so events and views keep the precision.
/// </summary>
[JsonConverter(typeof(StatedTimeJsonConverter))]
public readonly record struct StatedTime : IComparable<StatedTime>
{
    private StatedTime(DateTimeOffset start, TimePrecision precision)
    {
        Start = start;
        Precision = precision;
    }

    /// <summary>First instant of the period (UTC).</summary>
    public DateTimeOffset Start { get; }

    public TimePrecision Precision { get; }

    /// <summary>First instant after the period; equals <see cref="Start"/> for an instant.</summary>
    public DateTimeOffset End => Precision switch
    {
        TimePrecision.Year => Start.AddYears(1),
        TimePrecision.Month => Start.AddMonths(1),
        TimePrecision.Day => Start.AddDays(1),
        _ => Start,
    };

    public static StatedTime Of(DateTimeOffset instant) => new(instant.ToUniversalTime(), TimePrecision.Instant);

    public static StatedTime OfDay(int year, int month, int day) =>
        new(new DateTimeOffset(year, month, day, 0, 0, 0, TimeSpan.Zero), TimePrecision.Day);

    public static StatedTime OfMonth(int year, int month) =>
        new(new DateTimeOffset(year, month, 1, 0, 0, 0, TimeSpan.Zero), TimePrecision.Month);

    public static StatedTime OfYear(int year) =>
        new(new DateTimeOffset(year, 1, 1, 0, 0, 0, TimeSpan.Zero), TimePrecision.Year);

    /// <summary>True when any part of the period lies after <paramref name="now"/>.</summary>
    public bool StartsAfter(DateTimeOffset now) => Start > now;

    public static bool TryParse(string? text, out StatedTime value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 40)
        {
            return false;
        }

        text = text.Trim();
        var invariant = CultureInfo.InvariantCulture;
        if (text.Length == 4 && int.TryParse(text, NumberStyles.None, invariant, out var year) && year is >= 1 and <= 9999)
        {
            value = OfYear(year);
            return true;
        }

        if (text.Length == 7 && DateTime.TryParseExact(text, "yyyy-MM", invariant, DateTimeStyles.None, out var month))
        {
            value = OfMonth(month.Year, month.Month);
            return true;
        }

        if (text.Length == 10 && DateTime.TryParseExact(text, "yyyy-MM-dd", invariant, DateTimeStyles.None, out var day))
        {
            value = OfDay(day.Year, day.Month, day.Day);
            return true;
        }

        // An instant must say which offset it is in: "2016-01-27T15:30" alone is ambiguous.
        var hasOffset = text.EndsWith('Z') || text.EndsWith('z') || HasNumericOffset(text);
        if (text.Contains('T', StringComparison.OrdinalIgnoreCase) && hasOffset &&
            DateTimeOffset.TryParse(text, invariant, DateTimeStyles.None, out var instant))
        {
            value = Of(instant);
            return true;
        }

        return false;
    }

    public static StatedTime Parse(string text) =>
        TryParse(text, out var value) ? value : throw new FormatException($"'{text}' is not a stated time.");

    private static bool HasNumericOffset(string text)
    {
        var timeStart = text.IndexOf('T', StringComparison.OrdinalIgnoreCase);
        return timeStart > 0 && text.IndexOfAny(['+', '-'], timeStart) > 0;
    }

    public override string ToString() => Precision switch
    {
        TimePrecision.Year => Start.ToString("yyyy", CultureInfo.InvariantCulture),
        TimePrecision.Month => Start.ToString("yyyy-MM", CultureInfo.InvariantCulture),
        TimePrecision.Day => Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        _ => Start.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// Orders by the start of the period, then the narrower period first, so "2016-01-27" sorts
    /// after "2016-01" (which starts on the 1st) and an instant before the day that holds it.
    /// </summary>
    public int CompareTo(StatedTime other)
    {
        var byStart = Start.CompareTo(other.Start);
        return byStart != 0 ? byStart : End.CompareTo(other.End);
    }

    public static bool operator <(StatedTime left, StatedTime right) => left.CompareTo(right) < 0;

    public static bool operator >(StatedTime left, StatedTime right) => left.CompareTo(right) > 0;

    public static bool operator <=(StatedTime left, StatedTime right) => left.CompareTo(right) <= 0;

    public static bool operator >=(StatedTime left, StatedTime right) => left.CompareTo(right) >= 0;
}

public sealed class StatedTimeJsonConverter : JsonConverter<StatedTime>
{
    public override StatedTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException("A stated time is a string: \"2016\", \"2016-01\", \"2016-01-27\" or \"2016-01-27T15:30:00Z\".");
        }

        return StatedTime.TryParse(reader.GetString(), out var value)
            ? value
            : throw new JsonException($"'{reader.GetString()}' is not a stated time: use \"2016\", \"2016-01\", \"2016-01-27\" or \"2016-01-27T15:30:00Z\".");
    }

    public override void Write(Utf8JsonWriter writer, StatedTime value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
