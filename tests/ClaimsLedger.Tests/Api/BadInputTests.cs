using System.Text;
using Alba;
using ClaimsLedger.Statements;
using ClaimsLedger.Statements.CorrectingQuotes;
using ClaimsLedger.Statements.Recording;
using ClaimsLedger.Tests.Support;
using Shouldly;

namespace ClaimsLedger.Tests.Api;

/// <summary>Bad input gets a clear ProblemDetails naming the field, and the event log is unchanged.</summary>
public sealed class BadInputTests(AppFixture fixture) : ApiContext(fixture)
{
    private static readonly SourceInput Article = new("i-HLS", "https://i-hls.com/archives/68094");

    private async Task<RecordStatement> ValidStatementAsync()
    {
        var pentagon = await Given.OrganizationAsync();
        var cook = await Given.SpeakerAsync("Peter Cook", pentagon);
        var libya = await Given.TopicAsync();
        return new RecordStatement(cook, null, "looking at military options", QuoteKind.Partial, "2016-01-27", [libya], Article);
    }

    private Task<System.Text.Json.JsonElement> Refused(object body, int status, string? field, string url = "/api/statements") =>
        this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Recorder);
            s.Post.Json(body).ToUrl(url);
        }, status, field);

    [Fact]
    public async Task Malformed_json_is_a_400()
    {
        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Recorder);
            s.Post.Text("{\"speakerId\": ").ToUrl("/api/statements");
            s.WithRequestHeader("Content-Type", "application/json");
        }, 400, null);
    }

    [Fact]
    public async Task A_missing_or_empty_quote_is_a_400_naming_quote()
    {
        var valid = await ValidStatementAsync();

        await Refused(valid with { Quote = "" }, 400, "quote");
        await Refused(valid with { Quote = "   " }, 400, "quote");
        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Recorder);
            s.Post.Text($$$"""{"speakerId":"{{{valid.SpeakerId}}}","kind":"partial","statedAt":"2016-01-27","source":{"outlet":"i-HLS"}}""").ToUrl("/api/statements");
            s.WithRequestHeader("Content-Type", "application/json");
        }, 400, "quote");
    }

    [Fact]
    public async Task An_unknown_speaker_or_topic_is_a_422_naming_it()
    {
        var valid = await ValidStatementAsync();

        await Refused(valid with { SpeakerId = Guid.NewGuid() }, 422, "speakerId");
        await Refused(valid with { TopicIds = [.. valid.TopicIds!, Guid.NewGuid()] }, 422, "topicIds[1]");
        await Refused(valid with { RoleId = Guid.NewGuid() }, 422, "roleId");
    }

    [Fact]
    public async Task An_unknown_statement_is_a_404()
    {
        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Editor);
            s.Post.Json(new CorrectQuote("words", null, "reason", 1)).ToUrl($"/api/statements/{Guid.NewGuid()}/quote-corrections");
        }, 404, null);
        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Reader);
            s.Get.Url($"/api/statements/{Guid.NewGuid()}");
        }, 404, null);
    }

    [Fact]
    public async Task A_stated_time_in_the_future_or_unreadable_is_a_400_naming_statedAt()
    {
        var valid = await ValidStatementAsync();

        await Refused(valid with { StatedAt = DateTimeOffset.UtcNow.AddDays(2).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) }, 400, "statedAt");
        await Refused(valid with { StatedAt = "last Tuesday" }, 400, "statedAt");
        await Refused(valid with { StatedAt = "2016-01-27T10:00:00" }, 400, "statedAt");
    }

    [Fact]
    public async Task A_wrong_enum_value_is_a_400_naming_the_field()
    {
        var valid = await ValidStatementAsync();

        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Recorder);
            s.Post.Text($$$"""{"speakerId":"{{{valid.SpeakerId}}}","quote":"q","kind":"shouted","statedAt":"2016-01-27","source":{"outlet":"i-HLS"}}""").ToUrl("/api/statements");
            s.WithRequestHeader("Content-Type", "application/json");
        }, 400, "kind");
    }

    [Fact]
    public async Task A_field_the_api_does_not_know_is_a_400_naming_it_and_is_never_stored()
    {
        var valid = await ValidStatementAsync();

        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Recorder);
            s.Post.Text($$$"""{"speakerId":"{{{valid.SpeakerId}}}","quote":"q","kind":"partial","statedAt":"2016-01-27","source":{"outlet":"i-HLS"},"recordedAt":"2010-01-01T00:00:00Z"}""").ToUrl("/api/statements");
            s.WithRequestHeader("Content-Type", "application/json");
        }, 400, "recordedAt");
    }

    [Fact]
    public async Task Offsets_that_do_not_fit_the_quote_are_a_400()
    {
        var valid = await ValidStatementAsync();

        await Refused(valid with { Source = Article with { QuoteStart = 423, QuoteEnd = 400 } }, 400, "source.quoteEnd");
        await Refused(valid with { Source = Article with { QuoteStart = 423 } }, 400, "source.quoteEnd");
        await Refused(valid with { Source = Article with { QuoteStart = 423, QuoteEnd = 449 } }, 400, "source");
        await Refused(valid with { Source = Article with { Url = "javascript:alert(1)" } }, 400, "source.url");
        await Refused(valid with { Source = Article with { ContentSha256 = "not-a-hash" } }, 400, "source.contentSha256");
    }

    [Fact]
    public async Task A_body_over_the_limit_is_a_413()
    {
        var valid = await ValidStatementAsync();

        await Refused(valid with { Quote = new string('x', 70_000) }, 413, null);
    }

    [Fact]
    public async Task A_body_over_the_limit_sent_in_chunks_is_a_413_too()
    {
        var body = new StringBuilder("{\"quote\":\"").Append('x', 70_000).Append("\"}").ToString();

        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Recorder);
            s.Post.Text(body).ToUrl("/api/statements");
            s.WithRequestHeader("Content-Type", "application/json");
            s.ConfigureHttpContext(context =>
            {
                context.Request.ContentLength = null;
                context.Request.Headers.TransferEncoding = "chunked";
            });
        }, 413, null);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("limit=-5", "limit")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    public async Task A_page_request_out_of_range_is_a_400_naming_the_parameter(string query, string field)
    {
        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Reader);
            s.Get.Url($"/api/statements?{query}");
        }, 400, field);
    }

    [Fact]
    public async Task An_unparseable_query_value_is_a_400()
    {
        var problem = await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Reader);
            s.Get.Url("/api/statements?limit=lots");
        }, 400, null);

        problem.ToString().ShouldContain("limit");
    }

    [Fact]
    public async Task A_topic_ladder_with_repeated_keys_or_a_single_rung_is_a_400_naming_ladder()
    {
        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Editor);
            s.Post.Json(new ClaimsLedger.Topics.Opening.OpenTopic("T", null, [new("a", "A"), new("a", "B")])).ToUrl("/api/topics");
        }, 400, "ladder");
        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Editor);
            s.Post.Json(new ClaimsLedger.Topics.Opening.OpenTopic("T", null, [new("only", "Only")])).ToUrl("/api/topics");
        }, 400, "ladder");
        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Editor);
            s.Post.Json(new ClaimsLedger.Topics.Opening.OpenTopic("T", null, [new("Not A Slug", "A"), new("b", "B")])).ToUrl("/api/topics");
        }, 400, "ladder[0].key");
    }

    [Fact]
    public async Task A_stance_off_the_topic_ladder_is_a_422_naming_stance()
    {
        var valid = await ValidStatementAsync();
        var id = await Given.CreateAsync("/api/statements", valid, "recorder");

        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Editor);
            s.Post.Json(new ClaimsLedger.Statements.AssessingStances.AssessStance(valid.TopicIds![0], "invading", null, 1)).ToUrl($"/api/statements/{id}/stances");
        }, 422, "stance");
    }

    [Fact]
    public async Task A_change_without_an_expected_version_is_a_400_naming_it()
    {
        var valid = await ValidStatementAsync();
        var id = await Given.CreateAsync("/api/statements", valid, "recorder");

        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Editor);
            s.Post.Json(new CorrectQuote("other words", null, "reason", 0)).ToUrl($"/api/statements/{id}/quote-corrections");
        }, 400, "expectedVersion");
    }

    [Fact]
    public async Task Control_characters_in_text_are_a_400()
    {
        var valid = await ValidStatementAsync();

        await Refused(valid with { Quote = "looking at\u0000 options" }, 400, "quote");
    }

    [Fact]
    public async Task An_unknown_route_answers_a_problem_too()
    {
        var result = await Host.Scenario(s =>
        {
            s.WithBearerToken(Reader);
            s.Get.Url("/api/nothing-here");
            s.StatusCodeShouldBe(404);
        });

        result.Context.Response.ContentType.ShouldBe("application/problem+json");
    }
}
