using ClaimsLedger.Ledger.Checkpointing;
using ClaimsLedger.Ledger.Proving;
using Marten;

namespace ClaimsLedger.Ledger;

public static class Configuration
{
    /// <summary>The tree, its checkpoints (signed on demand and on a schedule), and proofs.</summary>
    public static IServiceCollection AddLedger(this IServiceCollection services)
    {
        services.AddSingleton(provider => LedgerKey.From(provider.GetRequiredService<IConfiguration>(), provider.GetRequiredService<IHostEnvironment>()));
        services.AddSingleton<LedgerTree>();
        services.AddSingleton<Checkpoints>();
        services.AddSingleton<Proofs>();
        services.AddHostedService<CheckpointSchedule>();
        return services;
    }

    public static StoreOptions AddLedger(this StoreOptions options)
    {
        options.Events.Subscribe(new LedgerSubscription());
        return options;
    }
}
