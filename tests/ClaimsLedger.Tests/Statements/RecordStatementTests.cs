using Alba;
using ClaimsLedger.Infrastructure.Http;
using ClaimsLedger.Statements;
using ClaimsLedger.Statements.Recording;
using ClaimsLedger.Tests.Support;
using Marten;
using Shouldly;

namespace ClaimsLedger.Tests.Statements;

public sealed class RecordStatementTests(AppFixture fixture) : ApiContext(fixture)
{
    private async Task<RecordStatement> CookOnLibyaAsync()
    {
        var pentagon = await Given.OrganizationAsync();
        var cook = await Given.SpeakerAsync("Peter Cook", pentagon, "Pentagon spokesman", "2015");
        var libya = await Given.TopicAsync();
        return new RecordStatement(cook, null, "looking at military options", QuoteKind.Partial, "2016-01-27", [libya],
            new SourceInput("i-HLS", "https://i-hls.com/archives/68094", null, DateTimeOffset.Parse("2026-11-24T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
                new string('a', 64), 423, 450, "Homeland Security News Wire"));
    }

    [Fact]
    public async Task A_recorded_statement_reads_back_with_its_attribution_role_and_provenance()
    {
        var command = await CookOnLibyaAsync();

        var id = await Given.CreateAsync("/api/statements", command, "recorder");
        var statement = await Given.StatementDetailsAsync(id);

        statement.Quote.ShouldBe("looking at military options");
        statement.Kind.ShouldBe(QuoteKind.Partial);
        statement.StatedAt.ToString().ShouldBe("2016-01-27");
        statement.Attribution.SpeakerName.ShouldBe("Peter Cook");
        statement.Attribution.RoleTitle.ShouldBe("Pentagon spokesman");
        statement.Attribution.OrganizationName.ShouldBe("U.S. Department of Defense");
        statement.Sources.Single().ShouldBe(command.Source.ToSource());
        statement.Status.ShouldBe(StatementStatus.Active);
        statement.Version.ShouldBe(1);
    }

    [Fact]
    public async Task Every_event_carries_who_recorded_it_in_what_role_and_the_request_correlation_id()
    {
        var command = await CookOnLibyaAsync();

        var result = await Host.Scenario(s =>
        {
            s.WithBearerToken(Recorder);
            s.WithRequestHeader(RecordingMetadata.CorrelationHeader, "briefing-2016-01-27");
            s.Post.Json(command).ToUrl("/api/statements");
            s.StatusCodeShouldBe(201);
        });
        var id = (await result.ReadAsJsonAsync<Created>())!.Id;

        await using var session = Store.QuerySession();
        var recorded = (await session.Events.FetchStreamAsync(id)).Single();
        recorded.Data.ShouldBeOfType<StatementRecorded>();
        recorded.UserName.ShouldBe("test-recorder");
        recorded.CorrelationId.ShouldBe("briefing-2016-01-27");
        recorded.Headers![RecordingMetadata.RolesHeader].ToString().ShouldBe("recorder");
        result.Context.Response.Headers[RecordingMetadata.CorrelationHeader].ToString().ShouldBe("briefing-2016-01-27");
    }

    [Fact]
    public async Task A_retry_with_the_same_idempotency_key_and_body_returns_the_same_statement_and_appends_once()
    {
        var command = await CookOnLibyaAsync();
        var key = Guid.NewGuid().ToString();
        var before = await EventCountAsync();

        var first = await PostWithKeyAsync(command, key, 201);
        var retry = await PostWithKeyAsync(command, key, 201);

        retry.Id.ShouldBe(first.Id);
        retry.Url.ShouldBe(first.Url);
        (await EventCountAsync()).ShouldBe(before + 1);
    }

    [Fact]
    public async Task The_same_idempotency_key_with_a_different_body_is_refused_and_writes_nothing()
    {
        var command = await CookOnLibyaAsync();
        var key = Guid.NewGuid().ToString();
        await PostWithKeyAsync(command, key, 201);

        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Recorder);
            s.WithRequestHeader(IdempotentCreation.Header, key);
            s.Post.Json(command with { Quote = "something else entirely" }).ToUrl("/api/statements");
        }, 422, IdempotentCreation.Header);
    }

    [Fact]
    public async Task Concurrent_retries_with_one_idempotency_key_create_one_statement()
    {
        var command = await CookOnLibyaAsync();
        var key = Guid.NewGuid().ToString();
        var before = await EventCountAsync();

        var statuses = await Task.WhenAll(Enumerable.Range(0, 6).Select(async _ =>
        {
            var result = await Host.Scenario(s =>
            {
                s.WithBearerToken(Recorder);
                s.WithRequestHeader(IdempotentCreation.Header, key);
                s.Post.Json(command).ToUrl("/api/statements");
                s.IgnoreStatusCode();
            });
            return result.Context.Response.StatusCode;
        }));

        statuses.ShouldAllBe(status => status == 201 || status == 409);
        statuses.ShouldContain(201);
        (await EventCountAsync()).ShouldBe(before + 1);
    }

    [Fact]
    public async Task An_idempotency_key_that_is_not_visible_ascii_is_a_400()
    {
        var command = await CookOnLibyaAsync();

        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Recorder);
            s.WithRequestHeader(IdempotentCreation.Header, new string('k', 200));
            s.Post.Json(command).ToUrl("/api/statements");
        }, 400, IdempotentCreation.Header);
    }

    private async Task<Created> PostWithKeyAsync(RecordStatement command, string key, int status)
    {
        var result = await Host.Scenario(s =>
        {
            s.WithBearerToken(Recorder);
            s.WithRequestHeader(IdempotentCreation.Header, key);
            s.Post.Json(command).ToUrl("/api/statements");
            s.StatusCodeShouldBe(status);
        });
        return (await result.ReadAsJsonAsync<Created>())!;
    }
}
