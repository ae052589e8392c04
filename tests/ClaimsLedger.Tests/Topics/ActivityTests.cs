using System.Globalization;
using System.Text.Json;
using Alba;
using ClaimsLedger.Infrastructure;
using ClaimsLedger.Statements.Retracting;
using ClaimsLedger.Statements.Withdrawing;
using ClaimsLedger.Tests.Support;
using ClaimsLedger.Topics.Activity;
using Shouldly;

namespace ClaimsLedger.Tests.Topics;

/// <summary>Topic activity over stated time: what a dashboard chart of "how much was said, when" shows.</summary>
public sealed class ActivityTests(AppFixture fixture) : ApiContext(fixture)
{
    private Task<TopicActivityView> ActivityAsync(Guid topic, string query = "") =>
        Host.GetJsonAsync<TopicActivityView>($"/api/topics/{topic}/activity{query}", Reader);

    private static DateOnly Day(string day) => DateOnly.Parse(day, CultureInfo.InvariantCulture);

    [Fact]
    public async Task Day_buckets_count_statements_assessed_retracted_and_speakers_with_the_empty_days_between()
    {
        var pentagon = await Given.OrganizationAsync();
        var cook = await Given.SpeakerAsync("Peter Cook", pentagon);
        var carter = await Given.SpeakerAsync("Ashton Carter", pentagon, "Defense secretary");
        var libya = await Given.TopicAsync();
        var syria = await Given.TopicAsync("U.S. military action in Syria");
        await Given.AssessedStatementAsync(cook, libya, "looking at military options", "2016-01-22", "considering-options");
        await Given.StatementAsync(carter, "a decisive military action", "2016-01-22T15:30:00Z", libya);
        await Given.StatementAsync(cook, "not yet", "2016-01-22", libya);
        var walkedBack = await Given.StatementAsync(cook, "we are preparing", "2016-01-25", libya);
        await Given.ChangeAsync($"/api/statements/{walkedBack}/retraction", new RetractStatement("2016-01-26", null, "walked back", 1), "editor");
        var inError = await Given.StatementAsync(cook, "recorded in error", "2016-01-24", libya);
        await Given.ChangeAsync($"/api/statements/{inError}/withdrawal", new WithdrawStatement("wrong speaker", 1), "editor");
        await Given.StatementAsync(carter, "about Syria", "2016-01-23", syria);

        var activity = await ActivityAsync(libya);

        activity.Topic.Id.ShouldBe(libya);
        activity.Bucket.ShouldBe(BucketSize.Day);
        activity.Buckets.Select(b => (b.Label, b.Statements, b.Assessed, b.Retracted, b.Speakers)).ShouldBe(
        [
            ("2016-01-22", 3, 1, 0, 2),
            ("2016-01-23", 0, 0, 0, 0),
            ("2016-01-24", 0, 0, 0, 0),
            ("2016-01-25", 1, 0, 1, 1),
        ]);
        activity.Buckets[0].SpeakerIds.ShouldBe([cook, carter], ignoreOrder: true);
        activity.Buckets.Select(b => b.End).ShouldBe(activity.Buckets.Select(b => b.Start.AddDays(1)));
        (activity.Start, activity.End).ShouldBe((Day("2016-01-22"), Day("2016-01-26")));
        activity.Imprecise.ShouldBeEmpty();
    }

    [Fact]
    public async Task Week_buckets_are_ISO_weeks_starting_on_Monday_in_UTC()
    {
        var cook = await Given.SpeakerAsync("Peter Cook", await Given.OrganizationAsync());
        var libya = await Given.TopicAsync();
        // Friday 1 January 2016 lies in ISO week 53 of 2015, which starts on Monday 28 December.
        await Given.StatementAsync(cook, "new year", "2016-01-01", libya);
        await Given.StatementAsync(cook, "sunday", "2016-01-31", libya);
        // 23:30 on Sunday at UTC-1 is 00:30 on Monday in UTC: the next week.
        await Given.StatementAsync(cook, "late sunday evening", "2016-01-31T23:30:00-01:00", libya);
        await Given.StatementAsync(cook, "monday", "2016-02-01", libya);

        var activity = await ActivityAsync(libya, "?bucket=week");

        activity.Bucket.ShouldBe(BucketSize.Week);
        activity.Buckets.Select(b => (b.Start, b.Label, b.Statements)).ShouldBe(
        [
            (Day("2015-12-28"), "2015-W53", 1),
            (Day("2016-01-04"), "2016-W01", 0),
            (Day("2016-01-11"), "2016-W02", 0),
            (Day("2016-01-18"), "2016-W03", 0),
            (Day("2016-01-25"), "2016-W04", 1),
            (Day("2016-02-01"), "2016-W05", 2),
        ]);
        activity.Buckets.ShouldAllBe(b => b.Start.DayOfWeek == DayOfWeek.Monday && b.End == b.Start.AddDays(7));
    }

    [Fact]
    public async Task Statements_known_only_to_the_month_or_year_are_counted_apart_not_put_in_a_day()
    {
        var pentagon = await Given.OrganizationAsync();
        var cook = await Given.SpeakerAsync("Peter Cook", pentagon);
        var carter = await Given.SpeakerAsync("Ashton Carter", pentagon, "Defense secretary");
        var libya = await Given.TopicAsync();
        await Given.StatementAsync(cook, "on a day", "2016-01-20", libya);
        await Given.StatementAsync(cook, "a day later", "2016-01-21", libya);
        await Given.AssessedStatementAsync(cook, libya, "some time in January", "2016-01", "assessing");
        await Given.StatementAsync(carter, "also in January", "2016-01", libya);
        await Given.StatementAsync(carter, "some time that year", "2016", libya);

        var byDay = await ActivityAsync(libya);
        var byWeek = await ActivityAsync(libya, "?bucket=week");
        var inMarch = await ActivityAsync(libya, "?from=2016-03-01&to=2016-03-03");

        byDay.Buckets.Select(b => (b.Label, b.Statements)).ShouldBe([("2016-01-20", 1), ("2016-01-21", 1)],
            "the month and the year statements are not on the 1st of January, nor anywhere else");
        byDay.Imprecise.Select(i => (i.Period.ToString(), i.Precision, i.Statements, i.Assessed, i.Speakers)).ShouldBe(
        [
            ("2016-01", TimePrecision.Month, 2, 1, 2),
            ("2016", TimePrecision.Year, 1, 0, 1),
        ]);
        byWeek.Buckets.Sum(b => b.Statements).ShouldBe(2);
        byWeek.Imprecise.Select(i => i.Period.ToString()).ShouldBe(["2016-01", "2016"]);
        inMarch.Buckets.Select(b => b.Label).ShouldBe(["2016-03-01", "2016-03-02", "2016-03-03"]);
        inMarch.Buckets.ShouldAllBe(b => b.Statements == 0);
        inMarch.Imprecise.Select(i => i.Period.ToString()).ShouldBe(["2016"], "January does not overlap those days; 2016 does");
    }

    [Fact]
    public async Task From_and_to_choose_the_buckets_and_asOf_counts_only_what_had_been_said_and_retracted_by_then()
    {
        var cook = await Given.SpeakerAsync("Peter Cook", await Given.OrganizationAsync());
        var libya = await Given.TopicAsync();
        var early = await Given.StatementAsync(cook, "early", "2016-01-10", libya);
        await Given.StatementAsync(cook, "middle", "2016-01-12", libya);
        await Given.StatementAsync(cook, "late", "2016-01-20", libya);
        await Given.ChangeAsync($"/api/statements/{early}/retraction", new RetractStatement("2016-01-15", null, null, 1), "editor");

        var window = await ActivityAsync(libya, "?from=2016-01-09&to=2016-01-13");
        var asOf = await ActivityAsync(libya, "?asOf=2016-01-14");
        var asOfLater = await ActivityAsync(libya, "?asOf=2016-01-15&from=2016-01-10&to=2016-01-21");

        window.Buckets.Select(b => (b.Label, b.Statements)).ShouldBe(
            [("2016-01-09", 0), ("2016-01-10", 1), ("2016-01-11", 0), ("2016-01-12", 1), ("2016-01-13", 0)]);
        asOf.Buckets.Select(b => (b.Label, b.Statements, b.Retracted)).ShouldBe(
            [("2016-01-10", 1, 0), ("2016-01-11", 0, 0), ("2016-01-12", 1, 0)],
            "as of 14 January the late statement had not been said and the retraction not made");
        asOfLater.Buckets.Single(b => b.Label == "2016-01-10").Retracted.ShouldBe(1);
        asOfLater.Buckets.Single(b => b.Label == "2016-01-20").Statements.ShouldBe(0);
    }

    [Fact]
    public async Task A_topic_without_statements_has_no_buckets_unless_a_range_is_asked_for()
    {
        var libya = await Given.TopicAsync();

        var none = await ActivityAsync(libya);
        var range = await ActivityAsync(libya, "?bucket=week&from=2016-01-27&to=2016-02");

        none.Buckets.ShouldBeEmpty();
        (none.Start, none.End).ShouldBe((null, null));
        range.Buckets.Select(b => b.Start).ShouldBe([Day("2016-01-25"), Day("2016-02-01"), Day("2016-02-08"), Day("2016-02-15"), Day("2016-02-22"), Day("2016-02-29")],
            "from's bucket is the week holding 27 January, to's the week holding 29 February");
    }

    [Fact]
    public async Task More_than_a_thousand_buckets_is_a_400_that_says_what_to_ask_for_instead()
    {
        var cook = await Given.SpeakerAsync("Peter Cook", await Given.OrganizationAsync());
        var libya = await Given.TopicAsync();
        await Given.StatementAsync(cook, "years ago", "2013-01-01", libya);
        await Given.StatementAsync(cook, "recently", "2016-01-01", libya);

        var problem = await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Reader);
            s.Get.Url($"/api/topics/{libya}/activity");
        }, 400, "bucket");
        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Reader);
            s.Get.Url($"/api/topics/{libya}/activity?from=2000&to=2016");
        }, 400, "bucket");
        var weeks = await ActivityAsync(libya, "?bucket=week");

        problem.GetProperty("errors").GetProperty("bucket")[0].GetString()!.ShouldContain("1,096 day buckets");
        weeks.Buckets.Count.ShouldBe(157);
    }

    [Theory]
    [InlineData("bucket=month", "bucket")]
    [InlineData("bucket=Week2", "bucket")]
    [InlineData("from=last-tuesday", "from")]
    [InlineData("to=2016-13", "to")]
    [InlineData("from=2016-02&to=2016-01-31", "to")]
    [InlineData("from=9999-12-30", "from")]
    [InlineData("asOf=soon", "asOf")]
    [InlineData("knownAt=2016-01-26T10:00", "knownAt")]
    [InlineData("asOf=9999-12-31", "asOf")]
    [InlineData("knownAt=9999", "knownAt")]
    public async Task An_unreadable_parameter_is_a_400_naming_it(string query, string field)
    {
        var libya = await Given.TopicAsync();

        foreach (var path in new[] { "activity", "activity.csv" })
        {
            await this.ShouldBeRefusedAsync(s =>
            {
                s.WithBearerToken(Reader);
                s.Get.Url($"/api/topics/{libya}/{path}?{query}");
            }, 400, field);
        }
    }

    [Fact]
    public async Task An_unknown_topic_is_a_404_and_no_token_is_a_401()
    {
        foreach (var path in new[] { "activity", "activity.csv" })
        {
            await this.ShouldBeRefusedAsync(s =>
            {
                s.WithBearerToken(Reader);
                s.Get.Url($"/api/topics/{Guid.NewGuid()}/{path}");
            }, 404, "topic");
            await Host.Scenario(s =>
            {
                s.Get.Url($"/api/topics/{Guid.NewGuid()}/{path}");
                s.StatusCodeShouldBe(401);
            });
        }
    }

    [Fact]
    public async Task The_csv_download_holds_the_buckets_in_order_then_the_imprecise_periods()
    {
        var pentagon = await Given.OrganizationAsync();
        var cook = await Given.SpeakerAsync("Peter Cook", pentagon);
        var carter = await Given.SpeakerAsync("Ashton Carter", pentagon, "Defense secretary");
        var libya = await Given.TopicAsync("Libya, \"the next front\"");
        await Given.AssessedStatementAsync(cook, libya, "options", "2016-01-26", "considering-options");
        await Given.StatementAsync(carter, "action", "2016-01-26", libya);
        await Given.StatementAsync(cook, "monday", "2016-02-08", libya);
        await Given.StatementAsync(cook, "some time in January", "2016-01", libya);

        var result = await Host.Scenario(s =>
        {
            s.WithBearerToken(Reader);
            s.Get.Url($"/api/topics/{libya}/activity.csv?bucket=week");
            s.StatusCodeShouldBeOk();
        });

        var response = result.Context.Response;
        response.ContentType.ShouldBe("text/csv; charset=utf-8; header=present");
        response.Headers.ContentDisposition.ToString().ShouldStartWith("attachment; filename=libya-the-next-front_activity_week.csv");
        var rows = CsvRows.Parse(await CsvRows.BytesAsync(result));
        rows.Select(row => string.Join('|', row.Values)).ShouldBe(
        [
            "2016-01-25|2|1|0|2|week",
            "2016-02-01|0|0|0|0|week",
            "2016-02-08|1|0|0|1|week",
            "2016-01|1|0|0|1|month",
        ]);
        rows[0].Keys.ShouldBe(["bucket", "statements", "assessed", "retracted", "speakers", "precision"]);
    }
}

/// <summary>knownAt over a simulated clock: the activity as recorded by then is what the live view showed then.</summary>
[Collection(TimeTravelCollection.Name)]
public sealed class ActivityKnownAtTests(TimeTravelFixture fixture) : HostContext(fixture)
{
    private void ClockAt(string instant) => fixture.Clock.Set(DateTimeOffset.Parse(instant, CultureInfo.InvariantCulture));

    private async Task<string> ReadAsync(string url)
    {
        var result = await Host.Scenario(s =>
        {
            s.WithBearerToken(Reader);
            s.Get.Url(url);
            s.StatusCodeShouldBeOk();
        });
        return await result.ReadAsTextAsync();
    }

    [Fact]
    public async Task Activity_known_at_a_past_moment_leaves_out_what_was_recorded_later_and_equals_the_live_answer_then()
    {
        ClockAt("2016-02-01T09:00:00Z");
        var pentagon = await Given.OrganizationAsync();
        var cook = await Given.SpeakerAsync("Peter Cook", pentagon, "Pentagon spokesman", "2015");
        var libya = await Given.TopicAsync();
        var url = $"/api/topics/{libya}/activity?from=2016-01-20&to=2016-01-31";
        var live = new List<(string Moment, string Body)>();

        async Task Capture(string moment) => live.Add((moment, await ReadAsync(url)));

        ClockAt("2016-02-02T10:00:00Z");
        var first = await Given.StatementAsync(cook, "looking at military options", "2016-01-22", libya);
        await Capture("2016-02-02T10:00:00Z");

        ClockAt("2016-02-03T10:00:00Z");
        await Given.AssessAsync(first, libya, "considering-options", 1);
        await Given.StatementAsync(cook, "recorded late, said early", "2016-01-21", libya);
        await Capture("2016-02-03T10:00:00Z");

        ClockAt("2016-02-04T10:00:00Z");
        await Given.ChangeAsync($"/api/statements/{first}/retraction", new RetractStatement("2016-01-30", null, null, 2), "editor");
        await Given.StatementAsync(cook, "in January", "2016-01", libya);
        await Capture("2016-02-04T10:00:00Z");

        ClockAt("2016-02-05T10:00:00Z");
        await Given.ChangeAsync($"/api/statements/{first}/withdrawal", new WithdrawStatement("a parody site", 3), "editor");
        await Capture("2016-02-05T10:00:00Z");
        await Given.ProjectionsCaughtUpAsync();
        live.Select(capture => capture.Body).Distinct().Count().ShouldBe(live.Count, "each step should have changed what the view shows");

        foreach (var (moment, body) in live)
        {
            var known = await ReadAsync($"{url}&knownAt={Uri.EscapeDataString(moment)}");
            JsonElement.DeepEquals(Parse(known), Parse(body)).ShouldBeTrue($"knownAt {moment}:\n live: {body}\n then: {known}");
        }

        var before = Deserialize(await ReadAsync($"{url}&knownAt=2016-02-02T12:00:00Z"));
        var day = Deserialize(await ReadAsync($"{url}&knownAt=2016-02-03"));
        var now = Deserialize(await ReadAsync(url));
        Counts(before).ShouldBe([("2016-01-22", 1, 0, 0)], "only the first statement had been recorded, not yet assessed");
        Counts(day).ShouldBe([("2016-01-21", 1, 0, 0), ("2016-01-22", 1, 1, 0)], "a day means its end: all of 3 February");
        Counts(now).ShouldBe([("2016-01-21", 1, 0, 0)], "the first statement was withdrawn since");
        now.Imprecise.Single().Period.ToString().ShouldBe("2016-01");
        before.Imprecise.ShouldBeEmpty();

        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Reader);
            s.Get.Url($"{url}&knownAt=2016-01-31");
        }, 404, "topic");
    }

    private static IEnumerable<(string Label, int Statements, int Assessed, int Retracted)> Counts(TopicActivityView view) =>
        view.Buckets.Where(b => b.Statements > 0).Select(b => (b.Label, b.Statements, b.Assessed, b.Retracted));

    private static TopicActivityView Deserialize(string body) => JsonSerializer.Deserialize<TopicActivityView>(body, Json.Options)!;

    private static JsonElement Parse(string body) => JsonDocument.Parse(body).RootElement;
}
