using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;

namespace ClaimsLedger.Tests.Support;

/// <summary>
/// The service as the tests' Alba hosts configure it, but listening on a real socket: for clients Alba's
/// in-memory server cannot stand in for (a browser, a TCP proxy). Call <c>UseKestrel</c> before first use.
/// </summary>
public sealed class KestrelHost(string schema) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("CLAIMSLEDGER_DB", AppFixture.RuntimeConnectionString);
        builder.UseSetting("ClaimsLedger:Schema", schema);
        builder.UseSetting("ClaimsLedger:ApplySchemaOnStart", "false");
        builder.UseSetting("Auth:SigningKey", AppFixture.TestSigningKey);
        // Browsers and retrying clients act far faster than a person: the limiter has tests of its own.
        builder.UseSetting("RateLimits:Enabled", "false");
        builder.ConfigureServices(services => services.RunWolverineInSoloMode());
    }
}
