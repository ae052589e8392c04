using System.Diagnostics;
using System.Net;
using Alba;
using ClaimsLedger.Feed;
using ClaimsLedger.Infrastructure;
using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using ClaimsLedger.Speakers;
using ClaimsLedger.Speakers.AddingAliases;
using ClaimsLedger.Speakers.GettingDetails;
using ClaimsLedger.Speakers.Registering;
using ClaimsLedger.Tests.Feed;
using ClaimsLedger.Tests.Ledger;
using ClaimsLedger.Tests.Support;
using Marten;
using Marten.Services;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using Shouldly;

namespace ClaimsLedger.Tests.Reliability;

/// <summary>
/// The service with a request time limit of one second, so a request held past it is quick to show. The
/// hold is real: another connection locks what the request needs, and the request waits in PostgreSQL
/// until its limit cancels it.
/// </summary>
public sealed class RequestTimeoutFixture : IAsyncLifetime
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(1);

    /// <summary>The name of the speaker whose commit a test-only listener holds up past the limit.</summary>
    public const string SlowCommitName = "Slow commit";

    public string Schema { get; } = $"t_limit_{Guid.NewGuid():N}"[..24];

    public IAlbaHost Host { get; private set; } = null!;

    public AppFixture App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await AppFixture.StartAsync(Schema, services => services.ConfigureMarten(options => options.Listeners.Add(new HoldAfterCommit())),
            new Dictionary<string, string>
            {
                ["RequestTimeouts:Default"] = Limit.ToString(),
                // Heartbeats well inside the limit, so an open stream shows it outlives it.
                ["LiveFeed:Heartbeat"] = "00:00:00.200",
            });
        App = new HostedFixture(Host);

        // An endpoint's first request compiles its handler, which can take longer than the limit on a busy
        // machine: let each endpoint the tests hold have had its first request (whatever it answered).
        var speaker = await SpeakerAsync("Warm-up");
        await Host.Scenario(s =>
        {
            s.WithBearerToken(App.TokenFor(Roles.Recorder));
            s.Post.Json(new AddAlias("warm-up", 999)).ToUrl($"/api/speakers/{speaker}/aliases");
            s.IgnoreStatusCode();
        });
        await Host.Scenario(s =>
        {
            s.WithBearerToken(App.TokenFor(Roles.Reader));
            s.Get.Url($"/api/speakers/{speaker}");
            s.IgnoreStatusCode();
        });
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();

    /// <summary>
    /// Registers a speaker as a client should: with an Idempotency-Key, sent again while the answer is a 503
    /// (with a limit this short, even a healthy request can run out of time on a loaded machine).
    /// </summary>
    public async Task<Guid> SpeakerAsync(string name)
    {
        var key = Guid.NewGuid().ToString("N");
        for (var attempt = 1; ; attempt++)
        {
            var result = await Host.Scenario(s =>
            {
                s.WithBearerToken(App.TokenFor(Roles.Recorder));
                s.WithRequestHeader(IdempotentCreation.Header, key);
                s.Post.Json(new RegisterSpeaker(name, SpeakerKind.Person)).ToUrl("/api/speakers");
                s.IgnoreStatusCode();
            });
            if (result.Context.Response.StatusCode != StatusCodes.Status503ServiceUnavailable || attempt == 5)
            {
                result.Context.Response.StatusCode.ShouldBe(StatusCodes.Status201Created, await result.ReadAsTextAsync());
                return (await result.ReadAsJsonAsync<Created>())!.Id;
            }
        }
    }

    /// <summary>Holds up the commit of one speaker's registration, after the transaction is in, for three times the limit.</summary>
    private sealed class HoldAfterCommit : DocumentSessionListenerBase
    {
        public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token) =>
            commit.GetEvents().Any(e => e.Data is SpeakerRegistered { Name: SlowCommitName }) ? Task.Delay(3 * Limit, CancellationToken.None) : Task.CompletedTask;
    }
}

public sealed class RequestTimeoutTests(RequestTimeoutFixture fixture) : IClassFixture<RequestTimeoutFixture>
{
    private static readonly TimeSpan Limit = RequestTimeoutFixture.Limit;

    /// <summary>Long enough for any healthy answer on a loaded machine; a request still waiting then has hung.</summary>
    private static readonly TimeSpan Hung = TimeSpan.FromSeconds(20);

    private IAlbaHost Host => fixture.Host;

    private string Schema => fixture.Schema;

    private IDocumentStore Store => Host.Services.GetRequiredService<IDocumentStore>();

    [Fact]
    public void Api_endpoints_have_the_default_limit_the_export_a_longer_one_and_the_live_feed_none()
    {
        var options = Host.Services.GetRequiredService<IOptionsMonitor<RequestTimeoutOptions>>().CurrentValue;
        options.DefaultPolicy!.Timeout.ShouldBe(Limit);
        options.DefaultPolicy.TimeoutStatusCode.ShouldBe(StatusCodes.Status503ServiceUnavailable);
        options.Policies[RequestTimeouts.ExportPolicy].Timeout.ShouldBe(new RequestTimeoutSettings().Export);

        var endpoints = Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(endpoint => endpoint.RoutePattern.RawText!.StartsWith("/api/", StringComparison.Ordinal))
            .ToList();
        endpoints.Count.ShouldBeGreaterThan(50);

        endpoints.Where(endpoint => endpoint.Metadata.GetMetadata<DisableRequestTimeoutAttribute>() is not null)
            .Select(endpoint => endpoint.RoutePattern.RawText).ShouldBe(["/api/feed/positions"]);
        endpoints.Where(endpoint => endpoint.Metadata.GetMetadata<RequestTimeoutAttribute>() is not null)
            .Select(endpoint => (endpoint.RoutePattern.RawText, endpoint.Metadata.GetMetadata<RequestTimeoutAttribute>()!.PolicyName))
            .ShouldBe([("/api/events/export", RequestTimeouts.ExportPolicy)]);
    }

    [Fact]
    public async Task The_service_waits_for_the_database_less_long_than_a_request_may_take()
    {
        var store = Host.Services.GetRequiredService<IDocumentStore>();
        ((StoreOptions)store.Options).CommandTimeout.ShouldBe(DatabaseTimeouts.DefaultCommandSeconds);
        await using var connection = store.Storage.Database.CreateConnection();
        new NpgsqlConnectionStringBuilder(connection.ConnectionString).Timeout.ShouldBe(DatabaseTimeouts.DefaultConnectSeconds);
        TimeSpan.FromSeconds(DatabaseTimeouts.DefaultConnectSeconds + DatabaseTimeouts.DefaultCommandSeconds)
            .ShouldBeLessThan(new RequestTimeoutSettings().Default);
    }

    [Fact]
    public async Task A_change_held_past_the_limit_is_a_503_problem_with_retry_after_and_leaves_nothing_behind()
    {
        var speaker = await fixture.SpeakerAsync("Peter Cook");
        var change = new AddAlias("Cook", 1);

        await using var locker = await HeldLock.TakeAsync($"select 1 from {Schema}.mt_streams where id = '{speaker}' for update");
        var watch = Stopwatch.StartNew();
        var held = Host.Scenario(s =>
        {
            s.WithBearerToken(fixture.App.TokenFor(Roles.Recorder));
            s.Post.Json(change).ToUrl($"/api/speakers/{speaker}/aliases");
            s.IgnoreStatusCode();
        });
        // It got as far as appending, and waits for the stream's row.
        await locker.WaitForWaitersAsync(1, Hung);

        var result = await held.WaitAsync(Hung);
        watch.Stop();

        await ShouldBeTimedOutAsync(result);
        watch.Elapsed.ShouldBeGreaterThanOrEqualTo(Limit);
        // PostgreSQL cancelled the append when the request gave up: nothing waits to commit once the lock goes.
        (await locker.WaitersAsync()).ShouldBe(0);
        await locker.ReleaseAsync();

        await using (var session = Store.QuerySession())
        {
            (await session.Events.FetchStreamAsync(speaker)).Count.ShouldBe(1, "the timed-out change must not have been appended");
            (await session.LoadAsync<SpeakerDetails>(speaker))!.Aliases.ShouldBeEmpty();
        }

        // The same change, sent again, applies once: the 503 left nothing in its way.
        (await new Scenarios(fixture.App).ChangeAsync($"/api/speakers/{speaker}/aliases", change, Roles.Recorder)).Version.ShouldBe(2);
    }

    [Fact]
    public async Task A_read_held_past_the_limit_is_a_503_problem_too()
    {
        var speaker = await fixture.SpeakerAsync("Ash Carter");

        await using (var locker = await HeldLock.TakeAsync($"lock table {Schema}.mt_doc_speakerdetails in access exclusive mode"))
        {
            var held = Host.Scenario(s =>
            {
                s.WithBearerToken(fixture.App.TokenFor(Roles.Reader));
                s.Get.Url($"/api/speakers/{speaker}");
                s.IgnoreStatusCode();
            });
            await locker.WaitForWaitersAsync(1, Hung);

            await ShouldBeTimedOutAsync(await held.WaitAsync(Hung));
        }
    }

    [Fact]
    public async Task A_change_that_committed_is_answered_with_its_success_even_past_the_limit()
    {
        const string User = "slow-commit-recorder";
        var key = Guid.NewGuid().ToString("N");
        var id = IdempotentCreation.DeriveId(User, "/api/speakers", key);
        for (var attempt = 1; ; attempt++)
        {
            var watch = Stopwatch.StartNew();
            var result = await Host.Scenario(s =>
            {
                s.WithBearerToken(fixture.App.TokenForUser(User, Roles.Recorder));
                s.WithRequestHeader(IdempotentCreation.Header, key);
                s.Post.Json(new RegisterSpeaker(RequestTimeoutFixture.SlowCommitName, SpeakerKind.Person)).ToUrl("/api/speakers");
                s.IgnoreStatusCode();
            }).WaitAsync(Hung);
            watch.Stop();

            await using var session = Store.QuerySession();
            var recorded = (await session.Events.FetchStreamAsync(id)).Count;
            if (result.Context.Response.StatusCode == StatusCodes.Status503ServiceUnavailable && attempt < 3)
            {
                // A loaded machine can take the whole second before the commit: then nothing may have been recorded.
                recorded.ShouldBe(0, "a 503 for a speaker that was recorded");
                continue;
            }

            // Held up after the commit for three times the limit, and still not told 503 about what it recorded.
            result.Context.Response.StatusCode.ShouldBe(StatusCodes.Status201Created, await result.ReadAsTextAsync());
            result.Context.Response.Headers.ContainsKey("Idempotent-Replayed").ShouldBeFalse();
            watch.Elapsed.ShouldBeGreaterThan(3 * Limit);
            (await result.ReadAsJsonAsync<Created>())!.Id.ShouldBe(id);
            recorded.ShouldBe(1);
            return;
        }
    }

    [Fact]
    public async Task The_live_feed_stays_open_past_the_limit()
    {
        using var patience = new CancellationTokenSource(Hung);
        using var response = await FeedSupport.OpenAsync(Host, "/api/feed/positions", fixture.App.TokenFor(Roles.Reader), patience.Token);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var opened = Stopwatch.StartNew();

        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(patience.Token));
        var outlived = false;
        await foreach (var (type, _) in reader.EventsAsync(patience.Token))
        {
            if (type == "comment" && opened.Elapsed > 3 * Limit)
            {
                outlived = true;
                break;
            }
        }

        outlived.ShouldBeTrue("the stream ended before three times the request limit had passed");
        Host.Services.GetRequiredService<LiveFeed>().Count.ShouldBeGreaterThanOrEqualTo(1);
    }

    private static async Task ShouldBeTimedOutAsync(IScenarioResult result)
    {
        var response = result.Context.Response;
        var body = await result.ReadAsTextAsync();
        response.StatusCode.ShouldBe(StatusCodes.Status503ServiceUnavailable, body);
        response.ContentType.ShouldNotBeNull().ShouldStartWith("application/problem+json");
        response.Headers.RetryAfter.ToString().ShouldBe(ExceptionProblems.RetryAfterSeconds);
        var problem = System.Text.Json.JsonDocument.Parse(body).RootElement;
        problem.GetProperty("status").GetInt32().ShouldBe(503);
        problem.GetProperty("title").GetString().ShouldBe(RequestTimeouts.TimedOut(Limit).Title);
        problem.GetProperty("detail").GetString()!.ShouldContain("Idempotency-Key");
    }
}

public sealed class TimeLimitNotClientAbortTests
{
    private sealed class TimeoutFeature(CancellationToken token) : IHttpRequestTimeoutFeature
    {
        public CancellationToken RequestTimeoutToken { get; } = token;

        public void DisableTimeout()
        {
        }
    }

    private static DefaultHttpContext Context(bool limitPassed)
    {
        var context = new DefaultHttpContext();
        context.Features.Set<IHttpRequestTimeoutFeature>(new TimeoutFeature(new CancellationToken(limitPassed)));
        return context;
    }

    /// <summary>What Wolverine does when the token is cancelled while it reads a JSON body: 499, no body.</summary>
    private static readonly RequestDelegate WolverineBodyReadCancelled = context =>
    {
        context.Response.StatusCode = 499;
        return Task.CompletedTask;
    };

    [Fact]
    public async Task A_499_after_the_time_limit_passed_goes_back_to_the_time_limit_s_answer()
    {
        var context = Context(limitPassed: true);

        await Should.ThrowAsync<OperationCanceledException>(() => new TimeLimitNotClientAbort(WolverineBodyReadCancelled).InvokeAsync(context));
    }

    [Fact]
    public async Task A_499_within_the_limit_is_the_client_that_left_and_stays_as_it_is()
    {
        var context = Context(limitPassed: false);

        await new TimeLimitNotClientAbort(WolverineBodyReadCancelled).InvokeAsync(context);

        context.Response.StatusCode.ShouldBe(499);
    }
}
