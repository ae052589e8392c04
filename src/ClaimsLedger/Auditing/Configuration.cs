using ClaimsLedger.Auditing.Importing;
using ClaimsLedger.Projections;

namespace ClaimsLedger.Auditing;

public static class Configuration
{
    /// <summary>The services auditors and operators use: the raw log, import, projection status and rebuilds.</summary>
    public static IServiceCollection AddAuditing(this IServiceCollection services)
    {
        services.AddSingleton<EventLog>();
        services.AddSingleton<AuditTrail>();
        services.AddSingleton<EventLogImporter>();
        services.AddSingleton<ProjectionRebuilds>();
        services.AddSingleton<ProjectionPlacement>();
        services.AddSingleton<InlineViewRefresh>();
        services.AddSingleton<ProjectionStatusReader>();
        return services;
    }
}
