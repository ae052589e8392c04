using System.Globalization;
using Wolverine;

namespace ClaimsLedger.Infrastructure;

/// <summary>
/// How fast the nodes of a cluster notice that one of them died and move its projections (configuration section
/// <c>Cluster</c>). Every node writes a heartbeat to Wolverine's node table each <see cref="HealthCheckInterval"/>;
/// a node whose heartbeat is older than <see cref="StaleNodeTimeout"/> (seen on two checks in a row) is ejected by
/// the leader, which then assigns its projections to the survivors; each node re-checks that what it was assigned
/// really runs every <see cref="AssignmentCheckInterval"/>. Failover therefore takes about
/// StaleNodeTimeout + 2 × HealthCheckInterval. See docs/scaling.md.
/// </summary>
public sealed class ClusterOptions
{
    public const string Section = "Cluster";

    public TimeSpan HealthCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan StaleNodeTimeout { get; set; } = TimeSpan.FromSeconds(20);

    public TimeSpan AssignmentCheckInterval { get; set; } = TimeSpan.FromSeconds(10);

    public static ClusterOptions From(IConfiguration configuration)
    {
        var options = new ClusterOptions();
        configuration.GetSection(Section).Bind(options);
        if (options.HealthCheckInterval <= TimeSpan.Zero || options.AssignmentCheckInterval <= TimeSpan.Zero
            || options.StaleNodeTimeout < 2 * options.HealthCheckInterval)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"{Section}: the intervals must be positive and StaleNodeTimeout ({options.StaleNodeTimeout}) at least twice HealthCheckInterval ({options.HealthCheckInterval}), or a live node would be taken for dead."));
        }

        return options;
    }
}

public static class Cluster
{
    /// <summary>Wolverine's node health checks and agent reassignment, from <see cref="ClusterOptions"/>.</summary>
    public static WolverineOptions UseClaimsLedgerCluster(this WolverineOptions options, IConfiguration configuration)
    {
        var cluster = ClusterOptions.From(configuration);
        // Balanced (Wolverine's default) elects a leader that spreads the projections over the nodes; test hosts
        // call RunWolverineInSoloMode() and run everything themselves.
        options.Durability.HealthCheckPollingTime = cluster.HealthCheckInterval;
        options.Durability.FirstHealthCheckExecution = cluster.HealthCheckInterval < TimeSpan.FromSeconds(3) ? cluster.HealthCheckInterval : TimeSpan.FromSeconds(3);
        options.Durability.StaleNodeTimeout = cluster.StaleNodeTimeout;
        options.Durability.NodeReassignmentPollingTime = cluster.HealthCheckInterval;
        options.Durability.CheckAssignmentPeriod = cluster.AssignmentCheckInterval;
        return options;
    }
}
