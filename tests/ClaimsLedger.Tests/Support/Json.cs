using System.Text.Json;
using ClaimsLedger.Infrastructure;

namespace ClaimsLedger.Tests.Support;

public static class Json
{
    /// <summary>The API's own JSON conventions.</summary>
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Storage.Configure(options);
        return options;
    }
}
