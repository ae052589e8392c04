using System.Text.Json;
using Alba;
using ClaimsLedger.Auditing;
using ClaimsLedger.Infrastructure.Http;
using ClaimsLedger.Statements.CorrectingQuotes;
using ClaimsLedger.Tests.Support;
using JasperFx.Events.Daemon;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;

namespace ClaimsLedger.Tests.Auditing;

public sealed class EventLogTests(AppFixture fixture) : ApiContext(fixture)
{
    private async Task<(IReadOnlyList<LoggedEvent> Items, string? Next)> LogAsync(string query)
    {
        var page = await Host.GetJsonAsync<JsonElement>($"/api/events?{query}", Auditor);
        var items = page.GetProperty("items").Deserialize<List<LoggedEvent>>(Json.Options)!;
        var next = page.GetProperty("nextCursor").ValueKind == JsonValueKind.Null ? null : page.GetProperty("nextCursor").GetString();
        return (items, next);
    }

    [Fact]
    public async Task Every_read_of_the_log_is_itself_recorded_with_who_what_and_up_to_where()
    {
        var auditor = $"auditor-{Guid.NewGuid():N}";
        var token = Fixture.TokenForUser(auditor, "auditor");
        var marker = Guid.NewGuid();
        await Host.Scenario(s =>
        {
            s.WithBearerToken(token);
            s.Get.Url($"/api/events?type=statement_recorded&streamId={marker}");
            s.StatusCodeShouldBeOk();
        });
        await Host.Scenario(s =>
        {
            s.WithBearerToken(token);
            s.Get.Url("/api/events/export?afterSequence=3&throughSequence=7");
            s.StatusCodeShouldBeOk();
        });
        await Given.ProjectionsCaughtUpAsync();

        var (reads, _) = await LogAsync($"type=event_log_read&user={auditor}");

        reads.Count.ShouldBe(2);
        reads.ShouldAllBe(read => read.User == auditor && read.StreamType == "audit_trail_read");
        reads[0].Data.GetProperty("endpoint").GetString().ShouldBe("/api/events");
        reads[0].Data.GetProperty("query").GetString()!.ShouldContain(marker.ToString());
        reads[1].Data.GetProperty("endpoint").GetString().ShouldBe("/api/events/export");
        (reads[1].Data.GetProperty("afterSequence").GetInt64(), reads[1].Data.GetProperty("throughSequence").GetInt64()).ShouldBe((3L, 7L));
        reads[1].Data.GetProperty("highWaterMark").GetInt64().ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task A_refused_read_of_the_log_records_nothing()
    {
        var before = await EventCountAsync();
        await Host.Scenario(s =>
        {
            s.WithBearerToken(Reader);
            s.Get.Url("/api/events");
            s.StatusCodeShouldBe(403);
        });
        await Host.Scenario(s =>
        {
            s.WithBearerToken(Auditor);
            s.Get.Url("/api/events?limit=0");
            s.StatusCodeShouldBe(400);
        });
        (await EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task The_log_shows_each_event_in_sequence_order_with_every_metadata_field()
    {
        var cook = await Given.SpeakerAsync("Peter Cook", await Given.OrganizationAsync());
        var result = await Host.Scenario(s =>
        {
            s.WithBearerToken(Recorder);
            s.WithRequestHeader(RecordingMetadata.CorrelationHeader, "audit-trail-1");
            s.Post.Json(new ClaimsLedger.Statements.Recording.RecordStatement(cook, null, "metastasis", ClaimsLedger.Statements.QuoteKind.Partial,
                "2016-01-27", [], new ClaimsLedger.Statements.SourceInput("i-HLS"))).ToUrl("/api/statements");
            s.StatusCodeShouldBe(201);
        });
        var statement = (await result.ReadAsJsonAsync<Created>())!.Id;
        await Given.ChangeAsync($"/api/statements/{statement}/quote-corrections", new CorrectQuote("the metastasis", null, "fuller", 1), "editor");
        await Given.ProjectionsCaughtUpAsync();

        var (items, _) = await LogAsync($"streamId={statement}");

        items.Select(item => item.Type).ShouldBe(["statement_recorded", "quote_corrected"]);
        items.Select(item => item.Version).ShouldBe([1L, 2L]);
        items[0].Sequence.ShouldBeLessThan(items[1].Sequence);
        items[0].StreamType.ShouldBe("statement");
        items[0].User.ShouldBe("test-recorder");
        items[0].CorrelationId.ShouldBe("audit-trail-1");
        items[1].User.ShouldBe("test-editor");
        items[1].Headers!.Value.GetProperty("user-roles").GetString().ShouldBe("editor");
        items[0].Data.GetProperty("quote").GetString().ShouldBe("metastasis");
        items[0].RecordedAt.ShouldBeLessThanOrEqualTo(items[1].RecordedAt);
    }

    [Fact]
    public async Task The_log_filters_by_type_user_and_recorded_time_and_pages_by_sequence_without_gaps_or_repeats()
    {
        var cook = await Given.SpeakerAsync("Peter Cook", await Given.OrganizationAsync());
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var user = $"recorder-{Guid.NewGuid():N}";
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            var result = await Host.Scenario(s =>
            {
                s.WithBearerToken(Fixture.TokenForUser(user, "recorder"));
                s.Post.Json(new ClaimsLedger.Statements.Recording.RecordStatement(cook, null, $"statement {i}", ClaimsLedger.Statements.QuoteKind.Partial,
                    "2016-01-27", [], new ClaimsLedger.Statements.SourceInput("i-HLS"))).ToUrl("/api/statements");
                s.StatusCodeShouldBe(201);
            });
            ids.Add((await result.ReadAsJsonAsync<Created>())!.Id);
        }

        await Given.ProjectionsCaughtUpAsync();
        var seen = new List<LoggedEvent>();
        string? cursor = null;
        do
        {
            var (items, next) = await LogAsync($"type=statement_recorded&user={user}&from={Uri.EscapeDataString(since.ToString("O"))}&limit=2" +
                                               (cursor is null ? "" : $"&cursor={cursor}"));
            seen.AddRange(items);
            cursor = next;
        }
        while (cursor is not null);

        seen.Select(item => item.StreamId).ShouldBe(ids);
        seen.Select(item => item.Sequence).ShouldBeInOrder();
        seen.ShouldAllBe(item => item.Type == "statement_recorded" && item.User == user);
    }

    [Fact]
    public async Task The_log_never_shows_an_event_beyond_the_daemons_high_water_mark()
    {
        var cook = await Given.SpeakerAsync("Peter Cook", await Given.OrganizationAsync());
        var coordinator = Host.Services.GetRequiredService<Marten.Events.Daemon.Coordination.IProjectionCoordinator>();
        await Given.ProjectionsCaughtUpAsync();
        Guid statement;
        await coordinator.PauseAsync();
        try
        {
            statement = await Given.StatementAsync(cook, "recorded while the daemon was paused", "2016-01-27");
            (await LogAsync($"streamId={statement}")).Items.ShouldBeEmpty();
        }
        finally
        {
            await coordinator.ResumeAsync();
        }

        await Given.ProjectionsCaughtUpAsync();
        (await LogAsync($"streamId={statement}")).Items.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_streams_history_is_its_events_oldest_first_and_an_unknown_stream_is_a_404()
    {
        var cook = await Given.SpeakerAsync("Peter Cook", await Given.OrganizationAsync(), "Pentagon spokesman", "2015");
        await Given.ProjectionsCaughtUpAsync();

        var page = await Host.GetJsonAsync<JsonElement>($"/api/streams/{cook}/events", Auditor);

        page.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("type").GetString())
            .ShouldBe(["speaker_registered", "role_assumed"]);
        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Auditor);
            s.Get.Url($"/api/streams/{Guid.NewGuid()}/events");
        }, 404, null);
    }

    [Fact]
    public async Task The_export_is_ndjson_one_event_per_line_for_the_range_asked()
    {
        var cook = await Given.SpeakerAsync("Peter Cook", await Given.OrganizationAsync());
        var first = await Given.StatementAsync(cook, "first", "2016-01-27");
        await Given.StatementAsync(cook, "second", "2016-01-28");
        await Given.ProjectionsCaughtUpAsync();
        var (mine, _) = await LogAsync($"streamId={first}");
        var from = mine.Single().Sequence;

        var result = await Host.Scenario(s =>
        {
            s.WithBearerToken(Auditor);
            s.Get.Url($"/api/events/export?afterSequence={from - 1}&throughSequence={from + 1}");
            s.StatusCodeShouldBeOk();
            s.ContentTypeShouldBe("application/x-ndjson");
        });
        var lines = (await result.ReadAsTextAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        lines.Length.ShouldBe(2);
        lines.Select(line => JsonSerializer.Deserialize<LoggedEvent>(line, Json.Options)!.Sequence).ShouldBe([from, from + 1]);
    }

    [Fact]
    public async Task The_export_escapes_text_as_the_JSON_writer_escapes_it_and_keeps_payloads_as_PostgreSQL_writes_them()
    {
        // The export copies each text column's UTF-8 out of Npgsql's buffer; escaped, it must be what the writer makes of the
        // same text as a string: non-ASCII, a pair of surrogates, quotes, HTML-sensitive and control characters.
        var user = $"recorder-é😀\"\\<&'+\u0001\u2028-{Guid.NewGuid():N}";
        var name = $"Организация 😀 \"quoted\" <&> {Guid.NewGuid():N}";
        await Host.Scenario(s =>
        {
            s.WithBearerToken(Fixture.TokenForUser(user, ClaimsLedger.Infrastructure.Auth.Roles.Recorder));
            s.Post.Json(new ClaimsLedger.Organizations.Registering.RegisterOrganization(name, ["Pentagon"])).ToUrl("/api/organizations");
            s.StatusCodeShouldBe(201);
        });
        await Given.ProjectionsCaughtUpAsync();

        var result = await Host.Scenario(s =>
        {
            s.WithBearerToken(Auditor);
            s.Get.Url("/api/events/export");
            s.StatusCodeShouldBeOk();
        });
        var line = (await result.ReadAsTextAsync()).Split('\n').Single(line => line.Contains(JsonSerializer.Serialize(user), StringComparison.Ordinal));

        line.ShouldContain($"\"user\":{JsonSerializer.Serialize(user)},");
        var logged = JsonSerializer.Deserialize<LoggedEvent>(line, Json.Options)!;
        logged.User.ShouldBe(user);
        logged.Data.GetProperty("name").GetString().ShouldBe(name);
        // The payload as PostgreSQL prints the jsonb: its text unescaped.
        line.ShouldContain(name.Replace("\"", "\\\"", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("cursor=-1", "cursor")]
    [InlineData("cursor=abc", "cursor")]
    [InlineData("limit=1001", "limit")]
    [InlineData("from=yesterday", "from")]
    public async Task A_bad_log_query_is_a_400_naming_the_parameter(string query, string field)
    {
        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Auditor);
            s.Get.Url($"/api/events?{query}");
        }, 400, field);
    }
}
