using System.Text.Json;
using Alba;
using Shouldly;

namespace ClaimsLedger.Tests.Support;

public static class Refusals
{
    /// <summary>
    /// Sends a request that must be refused: asserts the status, an RFC 9457 body that names
    /// <paramref name="field"/> (in <c>errors</c>, or in the detail), and that no event was appended.
    /// </summary>
    public static async Task<JsonElement> ShouldBeRefusedAsync(this IApiProbe probe, Action<Scenario> request, int status, string? field)
    {
        var before = await probe.EventCountAsync();
        var result = await probe.Host.Scenario(s =>
        {
            request(s);
            s.StatusCodeShouldBe(status);
            s.ContentTypeShouldBe("application/problem+json");
        });

        var problem = JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement;
        problem.GetProperty("status").GetInt32().ShouldBe(status);
        problem.TryGetProperty("title", out _).ShouldBeTrue();
        if (field is not null)
        {
            var named = problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out _);
            var mentioned = problem.TryGetProperty("detail", out var detail) && (detail.GetString() ?? "").Contains(field, StringComparison.OrdinalIgnoreCase);
            (named || mentioned).ShouldBeTrue($"the problem should name '{field}': {problem}");
        }

        (await probe.EventCountAsync()).ShouldBe(before, "a refused request must write nothing");
        return problem;
    }
}

/// <summary>What <see cref="Refusals"/> needs from a test.</summary>
public interface IApiProbe
{
    IAlbaHost Host { get; }

    Task<long> EventCountAsync();
}
