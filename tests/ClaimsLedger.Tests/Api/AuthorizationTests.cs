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

    [Fact]
    public async Task Every_api_endpoint_refuses_a_missing_credential_and_a_forged_one()
    {
        var forged = new AppFixtureTokens("b3RoZXIta2V5LXRoYXQtaXMtbm90LXRoZS1zZXJ2aWNlcy0zMi1ieXRlcw==").Mint(Roles.Admin);
        foreach (var (method, route, _) in ApiEndpoints())
        {
            var url = Concrete(route);
            (await StatusOf(method, url, token: null)).ShouldBe(HttpStatusCode.Unauthorized, $"{method} {route} without a token");
            (await StatusOf(method, url, forged)).ShouldBe(HttpStatusCode.Unauthorized, $"{method} {route} with a forged token");
        }
    }

    [Fact]
    public async Task Every_api_endpoint_refuses_a_lesser_role_and_lets_its_own_role_through()
    {
        foreach (var (method, route, role) in ApiEndpoints())
        {
            var url = Concrete(route);
            var lesser = role switch
            {
                Roles.Reader => Fixture.TokenFor(),
                Roles.Recorder => Reader,
                Roles.Editor => Recorder,
                Roles.Auditor => Editor,
                _ => Editor,
            };
            (await StatusOf(method, url, lesser)).ShouldBe(HttpStatusCode.Forbidden, $"{method} {route} needs {role}");

            var own = await StatusOf(method, url, Fixture.TokenFor(role));
            own.ShouldNotBe(HttpStatusCode.Unauthorized, $"{method} {route} as {role}");
            own.ShouldNotBe(HttpStatusCode.Forbidden, $"{method} {route} as {role}");
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
