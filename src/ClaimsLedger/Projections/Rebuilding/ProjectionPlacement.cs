using JasperFx.Events.Daemon;
using Marten;
using Npgsql;
using Wolverine;
using Wolverine.Runtime;

namespace ClaimsLedger.Projections;

/// <summary>The node an async projection runs on, as assigned by Wolverine, and this node's own daemon.</summary>
/// <param name="Number">Wolverine's node number (<c>wolverine_nodes.node_number</c>).</param>
/// <param name="Id">Wolverine's node id.</param>
public sealed record ProjectionNode(int Number, Guid Id);

/// <summary>
/// Where the async projections run. Wolverine assigns each to exactly one node of the cluster; only that node may
/// rebuild it, on its own daemon, because the rebuild stops and restarts the very agent that would otherwise keep
/// applying events beside it (see docs/scaling.md). A host in solo mode (tests, a single node) runs them all.
/// </summary>
public sealed class ProjectionPlacement(IWolverineRuntime runtime, IDocumentStore store, Marten.Events.Daemon.Coordination.IProjectionCoordinator coordinator)
{
    /// <summary>Whether this node runs the projection's agent now.</summary>
    public bool RunsHere(string projection) =>
        runtime.Options.Durability.Mode == DurabilityMode.Solo
        || runtime.Agents.AllRunningAgentUris().Any(uri => IsAgentOf(uri.ToString(), projection));

    /// <summary>The node the leader assigned the projection to, or null while it is assigned to none (a failover).</summary>
    public async Task<ProjectionNode?> NodeRunningAsync(string projection, CancellationToken cancellation)
    {
        var messages = $"{store.Options.Events.DatabaseSchemaName}_messages";
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellation);
        await using var command = new NpgsqlCommand(
            $"select a.id, n.node_number, n.id from {messages}.wolverine_node_assignments a join {messages}.wolverine_nodes n on n.id = a.node_id",
            connection);
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            if (IsAgentOf(reader.GetString(0), projection))
            {
                return new ProjectionNode(reader.GetInt32(1), reader.GetGuid(2));
            }
        }

        return null;
    }

    /// <summary>This node's daemon for the (single) database: the one its projection agents run on.</summary>
    public async Task<IProjectionDaemon> LocalDaemonAsync()
    {
        var daemons = await coordinator.AllDaemonsAsync();
        return daemons.Count == 1
            ? daemons[0]
            : throw new InvalidOperationException($"Expected one projection daemon (one database), found {daemons.Count}.");
    }

    /// <summary>Agent URIs end with the shard's path: <c>event-subscriptions://marten/main/{server}.{database}/history/all</c>.</summary>
    public static bool IsAgentOf(string agentUri, string projection) =>
        agentUri.StartsWith("event-subscriptions://", StringComparison.OrdinalIgnoreCase)
        && agentUri.TrimEnd('/').EndsWith($"/{projection}/all", StringComparison.OrdinalIgnoreCase);
}
