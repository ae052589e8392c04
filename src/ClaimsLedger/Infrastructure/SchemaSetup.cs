using System.Text.RegularExpressions;
using ClaimsLedger.Ledger;
using ClaimsLedger.Search;
using ClaimsLedger.Statements.GettingDetails;
using JasperFx;
using JasperFx.CommandLine;
using Marten;
using Npgsql;
using Wolverine.Runtime;

namespace ClaimsLedger.Infrastructure;

/// <summary>
/// Creates or migrates everything in the database: Marten's tables and functions (the search's stored
/// vectors among them), Wolverine's message storage, the ledger's tables and append-only triggers, and
/// the runtime role's privileges. It must run as the schema's owner (the setup command, or a host with
/// ClaimsLedger:ApplySchemaOnStart); the service itself runs as the runtime role and creates nothing.
/// </summary>
public sealed partial class SchemaSetup(IDocumentStore store, IWolverineRuntime wolverine, IConfiguration configuration, ILogger<SchemaSetup> logger)
{
    public const string RuntimeRoleKey = "ClaimsLedger:RuntimeRole";
    public const string DefaultRuntimeRole = "claimsledger_app";

    public async Task ApplyAsync(CancellationToken cancellation)
    {
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync(AutoCreate.CreateOrUpdate);
        await wolverine.Storage.Admin.MigrateAsync(AutoCreate.CreateOrUpdate);

        var schema = store.Options.Events.DatabaseSchemaName;
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellation);
        await ExecuteAsync(connection, LedgerSchema.Ddl(schema), cancellation);
        // Documents written before the search vectors' table existed get theirs; the trigger keeps the rest.
        await ExecuteAsync(connection, StatementSearchVectors.FillMissingSql(store.Options.Schema.For<StatementDetails>()), cancellation);

        var role = configuration[RuntimeRoleKey] ?? DefaultRuntimeRole;
        if (!RoleName().IsMatch(role))
        {
            throw new InvalidOperationException($"{RuntimeRoleKey} '{role}' is not a plain role name.");
        }

        var exists = await ScalarAsync(connection, "select exists (select 1 from pg_roles where rolname = @role) and @role <> current_user", role, cancellation);
        if (!exists)
        {
            LogNoRuntimeRole(logger, role);
            return;
        }

        await ExecuteAsync(connection, LedgerSchema.Grants(schema, $"{schema}_messages", role), cancellation);
        LogApplied(logger, schema, role);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellation);
    }

    private static async Task<bool> ScalarAsync(NpgsqlConnection connection, string sql, string role, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("role", role);
        return (bool)(await command.ExecuteScalarAsync(cancellation))!;
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex RoleName();

    [LoggerMessage(Level = LogLevel.Information, Message = "Schema {Schema} is set up; runtime role {Role} may insert and read events but not change them")]
    private static partial void LogApplied(ILogger logger, string schema, string role);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "No separate runtime role '{Role}' exists: the schema is set up, but only the triggers (not privileges) keep the event log append-only")]
    private static partial void LogNoRuntimeRole(ILogger logger, string role);
}

/// <summary>Runs <see cref="SchemaSetup"/> before anything else when ClaimsLedger:ApplySchemaOnStart is set.</summary>
public sealed class SchemaSetupOnStart(SchemaSetup setup) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => setup.ApplyAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

public sealed class SetupInput : NetCoreInput;

[Description("Create or migrate the database (run as the schema owner): tables, ledger triggers and the runtime role's privileges.", Name = "setup")]
public sealed class SetupCommand : JasperFxAsyncCommand<SetupInput>
{
    public override async Task<bool> Execute(SetupInput input)
    {
        using var host = input.BuildHost();
        await host.Services.GetRequiredService<SchemaSetup>().ApplyAsync(CancellationToken.None);
        Console.WriteLine("Database set up.");
        return true;
    }
}
