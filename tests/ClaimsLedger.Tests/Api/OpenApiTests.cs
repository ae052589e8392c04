using System.Text.Json;
using Alba;
using ClaimsLedger.Tests.Support;
using Shouldly;

namespace ClaimsLedger.Tests.Api;

public sealed class OpenApiTests(AppFixture fixture) : ApiContext(fixture)
{
    [Fact]
    public async Task The_openapi_document_is_public_and_describes_every_api_route_with_its_bearer_scheme()
    {
        var result = await Host.Scenario(s =>
        {
            s.Get.Url("/openapi/v1.json");
            s.StatusCodeShouldBeOk();
        });
        var document = JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement;

        var paths = document.GetProperty("paths").EnumerateObject().Select(path => path.Name).ToList();
        paths.ShouldContain("/api/statements");
        paths.ShouldContain("/api/statements/{id}/quote-corrections");
        paths.ShouldContain("/api/positions/organizations/{organizationId}/topics/{topicId}");
        document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("scheme").GetString().ShouldBe("bearer");
        var undocumented = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(operation => (Path: path.Name, Method: operation.Name, Operation: operation.Value)))
            .Where(entry => !entry.Operation.TryGetProperty("summary", out var summary) || string.IsNullOrWhiteSpace(summary.GetString()))
            .Select(entry => $"{entry.Method} {entry.Path}")
            .ToList();
        undocumented.ShouldBeEmpty();
    }

    [Fact]
    public async Task The_interactive_reference_page_is_served()
    {
        var result = await Host.Scenario(s =>
        {
            s.Get.Url("/docs/");
            s.StatusCodeShouldBeOk();
        });

        (await result.ReadAsTextAsync()).ShouldContain("ClaimsLedger API");
    }

    [Fact]
    public async Task Health_answers_without_a_credential()
    {
        await Host.Scenario(s =>
        {
            s.Get.Url("/health");
            s.StatusCodeShouldBeOk();
        });
    }
}
