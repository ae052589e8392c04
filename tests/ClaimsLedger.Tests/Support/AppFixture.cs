using Alba;
using ClaimsLedger.Infrastructure.Auth;
using Marten;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;

namespace ClaimsLedger.Tests.Support;

/// <summary>
/// One real host per test collection, on the PostgreSQL that ops/test started, in a schema
/// of its own so collections can run side by side without racing on DDL or on each other's data.
/// </summary>
public class AppFixture : IAsyncLifetime
{
    public const string TestSigningKey = "Y2xhaW1zbGVkZ2VyLXRlc3RzLW9ubHktc2lnbmluZy1rZXktMzItYnl0ZXM=";

    public IAlbaHost Host { get; private set; } = null!;

    public string Schema { get; } = $"t_{Guid.NewGuid():N}"[..20];

    public IDocumentStore Store => Host.Services.GetRequiredService<IDocumentStore>();

    /// <summary>The schema owner's connection: setup runs with it.</summary>
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("CLAIMSLEDGER_TEST_DB")
        ?? throw new InvalidOperationException(
            "CLAIMSLEDGER_TEST_DB is not set. Run the suite with ops/test, which starts a throwaway PostgreSQL and sets it.");

    /// <summary>The runtime role's connection: the service runs with it, as in production.</summary>
    public static string RuntimeConnectionString => Environment.GetEnvironmentVariable("CLAIMSLEDGER_TEST_APP_DB") ?? ConnectionString;

    /// <summary>
    /// How long a test waits for the async daemon to catch up. Generous because CI has two cores shared by
    /// every collection's host starting at once; a healthy run takes well under a second.
    /// </summary>
    public static readonly TimeSpan ProjectionCatchUp = TimeSpan.FromSeconds(90);

    /// <summary>The cluster superuser's, for tests that tamper behind the service's back.</summary>
    public static string SuperuserConnectionString => Environment.GetEnvironmentVariable("CLAIMSLEDGER_TEST_SUPER_DB") ?? ConnectionString;

    public async Task InitializeAsync()
    {
        Host = await StartAsync(Schema, ConfigureServices);
    }

    /// <summary>Use a host started elsewhere (a test that needs a schema of its own).</summary>
    protected void Adopt(IAlbaHost host) => Host = host;

    /// <summary>
    /// Sets a schema up as its owner (what the setup command does), then starts the service on it as
    /// the runtime role, which may insert and read events but not change them.
    /// </summary>
    public static async Task<IAlbaHost> StartAsync(string schema, Action<IServiceCollection>? configure = null, IReadOnlyDictionary<string, string>? settings = null)
    {
        await SetUpSchemaAsync(schema, configure, settings);
        return await Start(schema, RuntimeConnectionString, applySchema: false, configure, settings);
    }

    /// <summary>A host connected as the schema's owner, as the offline commands (import-events, rebuild) run.</summary>
    public static async Task<IAlbaHost> StartAsOwnerAsync(string schema)
    {
        await SetUpSchemaAsync(schema);
        return await Start(schema, ConnectionString, applySchema: false, configure: null, settings: null);
    }

    /// <summary>What the setup command does: creates or migrates a schema as its owner.</summary>
    public static async Task SetUpSchemaAsync(string schema, Action<IServiceCollection>? configure = null, IReadOnlyDictionary<string, string>? settings = null)
    {
        await using (var setup = await Start(schema, ConnectionString, applySchema: true, configure, settings))
        {
        }
    }

    private static Task<IAlbaHost> Start(
        string schema, string connection, bool applySchema, Action<IServiceCollection>? configure, IReadOnlyDictionary<string, string>? settings) =>
        AlbaHost.For<Program>(builder =>
        {
            // Tests fire requests as one user per role far faster than a person; the limiter has tests of its own.
            builder.UseSetting("RateLimits:Enabled", "false");
            foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            {
                builder.UseSetting(key, value);
            }

            builder.UseSetting("CLAIMSLEDGER_DB", connection);
            builder.UseSetting("ClaimsLedger:Schema", schema);
            builder.UseSetting("ClaimsLedger:ApplySchemaOnStart", applySchema ? "true" : "false");
            builder.UseSetting("Auth:SigningKey", TestSigningKey);
            builder.ConfigureServices(services =>
            {
                services.RunWolverineInSoloMode();
                configure?.Invoke(services);
            });
        });

    /// <summary>Lets a collection's fixture replace services (the ledger clock, say).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    public async Task DisposeAsync()
    {
        await Host.StopAsync();
        await Host.DisposeAsync();
    }

    public string TokenFor(params string[] roles) =>
        Host.Services.GetRequiredService<DevTokens>().Mint($"test-{string.Join('-', roles)}", roles, TimeSpan.FromHours(1));

    public string TokenForUser(string user, params string[] roles) =>
        Host.Services.GetRequiredService<DevTokens>().Mint(user, roles, TimeSpan.FromHours(1));
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<AppFixture>
{
    public const string Name = "api";
}
