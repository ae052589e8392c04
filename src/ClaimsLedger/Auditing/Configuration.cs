using ClaimsLedger.Auditing.Importing;
using ClaimsLedger.Projections;

namespace ClaimsLedger.Auditing;

public static class Configuration
{
    /// <summary>The services auditors and operators use: the raw log, import, projection status (and its stall alert) and rebuilds.</summary>
    public static IServiceCollection AddAuditing(this IServiceCollection services)
    {
        services.AddSingleton<EventLog>();
        services.AddSingleton<AuditTrail>();
        services.AddSingleton<EventLogImporter>();
        services.AddSingleton<ProjectionRebuilds>();
        services.AddSingleton<ProjectionPlacement>();
        services.AddSingleton<InlineViewRefresh>();
        services.AddSingleton<StatementStreamReplay>();
        services.AddSingleton<ProjectionStatusReader>();
        services.AddOptions<ProjectionStallOptions>().BindConfiguration(ProjectionStallOptions.Section)
            .Validate(options => options.StallThreshold > TimeSpan.Zero && options.StallThreshold <= TimeSpan.FromDays(1),
                "Projections:StallThreshold must be more than 0 and at most a day.")
            .ValidateOnStart();
        services.AddSingleton<ProjectionStallWatch>();
        services.AddHostedService<ProjectionStallMonitor>();
        return services;
    }
}
