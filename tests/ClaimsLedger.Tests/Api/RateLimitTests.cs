using Alba;
using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using ClaimsLedger.Organizations.Registering;
using ClaimsLedger.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;

namespace ClaimsLedger.Tests.Api;

/// <summary>One user's flood is throttled with a 429 that says when to come back; other users and health probes are not.</summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private readonly string _schema = $"t_limits_{Guid.NewGuid():N}"[..24];
    private IAlbaHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await AppFixture.StartAsync(_schema, settings: new Dictionary<string, string>
        {
            ["RateLimits:Enabled"] = "true",
            ["RateLimits:PermitsPerSecond"] = "1",
            ["RateLimits:Burst"] = "5",
        });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private string Token(string user, string role) =>
        _host.Services.GetRequiredService<DevTokens>().Mint(user, [role], TimeSpan.FromMinutes(10));

    private async Task<int> StatusAsync(string token, string url = "/api/topics")
    {
        var result = await _host.Scenario(s =>
        {
            s.WithBearerToken(token);
            s.Get.Url(url);
            s.IgnoreStatusCode();
        });
        return result.Context.Response.StatusCode;
    }

    [Fact]
    public async Task A_user_past_the_burst_gets_429_with_retry_after_while_other_users_and_health_pass()
    {
        var busy = Token("busy-reader", Roles.Reader);
        var statuses = new List<int>();
        for (var i = 0; i < 30; i++)
        {
            statuses.Add(await StatusAsync(busy));
        }

        statuses.Take(5).ShouldAllBe(status => status == 200);
        statuses.ShouldContain(429);

        var refused = await _host.Scenario(s =>
        {
            s.WithBearerToken(busy);
            s.Get.Url("/api/topics");
            s.StatusCodeShouldBe(429);
        });
        int.Parse(refused.Context.Response.Headers.RetryAfter.ToString(), System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThanOrEqualTo(1);
        var problem = await refused.ReadAsJsonAsync<System.Text.Json.JsonElement>();
        problem.GetProperty("status").GetInt32().ShouldBe(429);
        problem.GetProperty("title").GetString().ShouldBe("Too many requests.");

        (await StatusAsync(Token("calm-reader", Roles.Reader))).ShouldBe(200);
        for (var i = 0; i < 10; i++)
        {
            await _host.Scenario(s =>
            {
                s.Get.Url("/health");
                s.StatusCodeShouldBeOk();
            });
        }
    }

    [Fact]
    public async Task A_throttled_write_writes_nothing()
    {
        var recorder = Token("busy-recorder", Roles.Recorder);
        var throttled = false;
        for (var i = 0; i < 100 && !throttled; i++)
        {
            throttled = await StatusAsync(recorder) == 429;
        }

        throttled.ShouldBeTrue();

        var store = _host.Services.GetRequiredService<IDocumentStore>();
        await using var session = store.QuerySession();
        var before = await session.Events.QueryAllRawEvents().LongCountAsync();
        await _host.Scenario(s =>
        {
            s.WithBearerToken(recorder);
            s.Post.Json(new RegisterOrganization("Throttled ministry", null)).ToUrl("/api/organizations");
            s.StatusCodeShouldBe(429);
        });
        (await session.Events.QueryAllRawEvents().LongCountAsync()).ShouldBe(before);
    }

    [Fact]
    public void Requests_are_counted_per_user_and_per_address_without_one()
    {
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        RateLimits.PartitionKey(context).ShouldBe("address:unknown");
        context.User = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity([new System.Security.Claims.Claim("sub", "alice")], "test"));
        RateLimits.PartitionKey(context).ShouldBe("user:alice");
    }
}
