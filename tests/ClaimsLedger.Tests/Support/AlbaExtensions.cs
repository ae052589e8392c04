using Alba;

namespace ClaimsLedger.Tests.Support;

public static class AlbaExtensions
{
    /// <summary>GET as a role and read the JSON body, expecting 200.</summary>
    public static async Task<T> GetJsonAsync<T>(this IAlbaHost host, string url, string token)
    {
        var result = await host.Scenario(s =>
        {
            s.WithBearerToken(token);
            s.Get.Url(url);
            s.StatusCodeShouldBeOk();
        });
        return (await result.ReadAsJsonAsync<T>())!;
    }
}
