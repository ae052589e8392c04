using System.Text.Json;
using ClaimsLedger.Infrastructure;
using Shouldly;

namespace ClaimsLedger.Tests.Infrastructure;

public sealed class StatedTimeTests
{
    [Theory]
    [InlineData("2016", TimePrecision.Year, "2016-01-01T00:00:00Z", "2017-01-01T00:00:00Z")]
    [InlineData("2016-01", TimePrecision.Month, "2016-01-01T00:00:00Z", "2016-02-01T00:00:00Z")]
    [InlineData("2016-01-27", TimePrecision.Day, "2016-01-27T00:00:00Z", "2016-01-28T00:00:00Z")]
    [InlineData("2016-01-27T15:30:00Z", TimePrecision.Instant, "2016-01-27T15:30:00Z", "2016-01-27T15:30:00Z")]
    [InlineData("2016-01-27T10:30:00-05:00", TimePrecision.Instant, "2016-01-27T15:30:00Z", "2016-01-27T15:30:00Z")]
    public void A_stated_time_keeps_the_precision_it_was_given(string text, TimePrecision precision, string start, string end)
    {
        var parsed = StatedTime.Parse(text);

        parsed.Precision.ShouldBe(precision);
        parsed.Start.ShouldBe(DateTimeOffset.Parse(start, System.Globalization.CultureInfo.InvariantCulture));
        parsed.End.ShouldBe(DateTimeOffset.Parse(end, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("2016-13")]
    [InlineData("2016-02-30")]
    [InlineData("27/01/2016")]
    [InlineData("2016-01-27T15:30:00")]
    [InlineData("16")]
    public void Text_that_is_not_a_stated_time_is_refused(string text) =>
        StatedTime.TryParse(text, out _).ShouldBeFalse();

    [Fact]
    public void Stated_times_order_by_start_and_then_the_narrower_first()
    {
        string[] shuffled = ["2016-01-27", "2016", "2016-01-27T00:00:00Z", "2016-01", "2015-12-31"];

        var ordered = shuffled.Select(StatedTime.Parse).Order().Select(time => time.ToString());

        ordered.ShouldBe(["2015-12-31", "2016-01", "2016", "2016-01-27T00:00:00Z", "2016-01-27"]);
    }

    [Fact]
    public void A_stated_time_travels_through_json_as_the_string_it_came_as()
    {
        var json = JsonSerializer.Serialize(new { at = StatedTime.Parse("2016-01") });

        json.ShouldBe("""{"at":"2016-01"}""");
        JsonSerializer.Deserialize<StatedTime>("\"2016-01-27\"").ShouldBe(StatedTime.OfDay(2016, 1, 27));
        Should.Throw<JsonException>(() => JsonSerializer.Deserialize<StatedTime>("\"last week\""));
    }
}
