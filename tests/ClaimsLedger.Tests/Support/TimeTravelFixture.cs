using ClaimsLedger.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ClaimsLedger.Tests.Support;

/// <summary>A clock a test sets by hand; it may go backwards between tests.</summary>
public sealed class SettableTime : TimeProvider
{
    private DateTimeOffset _now = DateTimeOffset.UtcNow;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Set(DateTimeOffset now) => _now = now;
}

/// <summary>A host whose recorded time (event timestamps, "now" for validation) the tests set: no sleeping.</summary>
public sealed class TimeTravelFixture : AppFixture
{
    public SettableTime Clock { get; } = new();

    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddSingleton(new LedgerClock(Clock));
}

[CollectionDefinition(Name)]
public sealed class TimeTravelCollection : ICollectionFixture<TimeTravelFixture>
{
    public const string Name = "time-travel";
}
