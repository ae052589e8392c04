using System.Net;
using System.Text.RegularExpressions;
using Alba;
using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;

namespace ClaimsLedger.Tests.Api;

/// <summary>Every endpoint names its role, and refuses callers without a credential or with a lesser role.</summary>
public sealed partial class AuthorizationTests(AppFixture fixture) : ApiContext(fixture)
{

    private IReadOnlyList<(string Method, string Route, string Role)> ApiEndpoints()
    {
        var endpoints = Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();
        return
        [
            .. from endpoint in endpoints
               let route = endpoint.RoutePattern.RawText!
               where route.StartsWith("/api/", StringComparison.Ordinal)
               from method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []
               let role = endpoint.Metadata.GetMetadata<RequiresRoleAttribute>()?.Role ?? "(none)"
               orderby route, method
               select (method, route, role),
        ];
    }

    [Fact]
    public void Every_api_endpoint_names_the_role_it_requires()
    {
        var endpoints = ApiEndpoints();

        endpoints.Count.ShouldBeGreaterThanOrEqualTo(20);
        endpoints.Where(endpoint => endpoint.Role == "(none)").ShouldBeEmpty();
    }

    [Fact]
    public void Nothing_but_health_and_the_api_documents_is_anonymous()
    {
        var anonymous = Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(endpoint => endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is not null)
            .Select(endpoint => endpoint.RoutePattern.RawText!)
            .ToList();

        anonymous.ShouldContain("/health");
        anonymous.ShouldAllBe(route => route == "/health" || route == "/openapi/{documentName}.json" || route.StartsWith("/docs/"));
    }

    /// <summary>A clock stopped in the past, to mint a token that has already expired.</summary>
    private sealed class StoppedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    /// <summary>
    /// The whole matrix: every endpoint the running app maps, with no credential, an expired one, a forged
    /// one, a token with no role, and each role. Only the roles the endpoint's requirement admits get
    /// past authorization, and every refused call leaves the log as it was.
    /// </summary>
    [Fact]
    public async Task Every_api_endpoint_admits_exactly_the_roles_its_requirement_allows_and_refused_calls_write_nothing()
    {
        var forged = new AppFixtureTokens("b3RoZXIta2V5LXRoYXQtaXMtbm90LXRoZS1zZXJ2aWNlcy0zMi1ieXRlcw==").Mint(Roles.Admin);
        var expired = new DevTokens(new AuthOptions { SigningKey = AppFixture.TestSigningKey }, new StoppedClock(DateTimeOffset.UtcNow.AddHours(-3)))
            .Mint("expired-admin", [Roles.Admin], TimeSpan.FromHours(1));
        var credentials = new List<(string Name, string? Token, string? Role)>
        {
            ("no credential", null, null), ("an expired token", expired, null), ("a forged token", forged, null), ("a token with no role", Fixture.TokenFor(), null),
        };
        credentials.AddRange(Roles.All.Select(role => ($"role {role}", (string?)Fixture.TokenFor(role), (string?)role)));

        var endpoints = ApiEndpoints();
        endpoints.Count.ShouldBeGreaterThanOrEqualTo(50);
        foreach (var (method, route, required) in endpoints)
        {
            var url = Concrete(route);
            foreach (var (name, token, role) in credentials)
            {
                var admitted = role is not null && Roles.Satisfying(required).Contains(role);
                var before = await EventCountAsync();
                var status = await StatusOf(method, url, token);
                if (admitted)
                {
                    status.ShouldNotBe(HttpStatusCode.Unauthorized, $"{method} {route} with {name}");
                    status.ShouldNotBe(HttpStatusCode.Forbidden, $"{method} {route} with {name}");
                    continue;
                }

                status.ShouldBe(token is null || role is null && name != "a token with no role" ? HttpStatusCode.Unauthorized : HttpStatusCode.Forbidden,
                    $"{method} {route} (needs {required}) with {name}");
                (await EventCountAsync()).ShouldBe(before, $"{method} {route} with {name} wrote something");
            }
        }
    }

    private async Task<HttpStatusCode> StatusOf(string method, string url, string? token)
    {
        var result = await Host.Scenario(s =>
        {
            if (token is not null)
            {
                s.WithBearerToken(token);
            }

            if (method == HttpMethods.Get)
            {
                s.Get.Url(url);
            }
            else
            {
                s.Post.Json(new { }).ToUrl(url);
            }

            s.IgnoreStatusCode();
        });
        return (HttpStatusCode)result.Context.Response.StatusCode;
    }

    private static string Concrete(string route) => RouteParameter().Replace(route, _ => Guid.NewGuid().ToString());

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();
}
