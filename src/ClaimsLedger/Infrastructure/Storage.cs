using System.Text.Json;
using System.Text.Json.Serialization;
using ClaimsLedger.Claims;
using ClaimsLedger.Ingestion;
using ClaimsLedger.Ledger;
using ClaimsLedger.Organizations;
using ClaimsLedger.Positions;
using ClaimsLedger.RatingScales;
using ClaimsLedger.Search;
using ClaimsLedger.Speakers;
using ClaimsLedger.Statements;
using ClaimsLedger.Topics;
using JasperFx;
using JasperFx.Events;
using Marten;
using Weasel.Core;
using Wolverine.Marten;

namespace ClaimsLedger.Infrastructure;

/// <summary>Marten: the event store, the projections of every slice, and the JSON shape shared with the API.</summary>
public static class Storage
{
    public const string ConnectionStringKey = "CLAIMSLEDGER_DB";
    public const string SchemaKey = "ClaimsLedger:Schema";

    /// <summary>The configured connection string, with the service's session limits (<see cref="DatabaseSessionLimits"/>) added.</summary>
    public static string ConnectionString(IConfiguration configuration) => DatabaseSessionLimits.Apply(
        configuration[ConnectionStringKey] ?? configuration.GetConnectionString("ClaimsLedger")
        ?? throw new InvalidOperationException(
            $"No database: set {ConnectionStringKey} to an Npgsql connection string (ops/run starts a local PostgreSQL and sets it)."),
        configuration);

    /// <summary>The JSON conventions of the API and the stored documents alike.</summary>
    public static void Configure(JsonSerializerOptions json)
    {
        json.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        // One spelling of enum values everywhere ("partial", "no-flip"), stored documents included:
        // list endpoints stream stored JSON as it is.
        foreach (var other in json.Converters.OfType<JsonStringEnumConverter>().ToList())
        {
            json.Converters.Remove(other);
        }

        json.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
        json.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
    }

    public const string ApplySchemaOnStartKey = "ClaimsLedger:ApplySchemaOnStart";

    public static IServiceCollection AddClaimsLedgerStorage(this IServiceCollection services, IConfiguration configuration)
    {
        var schema = configuration[SchemaKey] ?? "claimsledger";
        var applySchema = configuration.GetValue<bool>(ApplySchemaOnStartKey);
        services.AddSingleton<SchemaSetup>();
        if (applySchema)
        {
            // Registered before Marten and Wolverine start, so their tables exist when they do.
            services.AddHostedService<SchemaSetupOnStart>();
        }

        services.AddMarten(services =>
            {
                var options = new StoreOptions();
                options.Connection(DatabasePreparedStatements.Apply(DatabaseTimeouts.Apply(ConnectionString(configuration), configuration), configuration));
                options.DatabaseSchemaName = schema;
                // The service runs as a role that may not create or alter anything: the setup command
                // (as the schema owner) does that.
                options.AutoCreateSchemaObjects = AutoCreate.None;
                UseLedgerEventConventions(options);
                // Recorded time is the service's clock (never a client's), stamped as events are
                // appended; inline projections see it, and tests can move the LedgerClock.
                options.Events.TimeProvider = services.GetRequiredService<LedgerClock>().Time;
                // Each schema gets its own daemon lock id, so several deployments (and test collections) can
                // share one database without starving each other (Wolverine's leadership is per message schema).
                options.Projections.DaemonLockId = StableHash(schema);
                // The leadership lock is session-scoped: a transaction-scoped one sits idle in its
                // transaction for as long as the node leads, and idle_in_transaction_session_timeout
                // (DatabaseSessionLimits) would end it. Gaps are never skipped while a transaction that
                // could fill them lives (Marten's default; SkipStaleGapsDespiteLiveTransactionsAfter
                // stays unset): that timeout is what bounds the wait.
                options.Events.UseAdvisoryLockTransaction = false;

                AddEverySlice(options, configuration.GetValue(Statements.Configuration.HistoryBatchSizeKey, Statements.Configuration.DefaultHistoryBatchSize));
                return options;
            })
            .IntegrateWithWolverine(integration =>
            {
                integration.MessageStorageSchemaName = $"{schema}_messages";
                // Wolverine runs each async projection on exactly one node of the cluster and moves it when a
                // node dies (docs/scaling.md); it sets Marten's daemon to ExternallyManaged, so no AddAsyncDaemon.
                integration.UseWolverineManagedEventSubscriptionDistribution = true;
            });
        return services;
    }

    /// <summary>
    /// How the ledger stores events and documents: the API's JSON, Guid streams with every metadata field and user
    /// names, quick appends stamped with the server's time, and projections that fail loudly rather than skip an
    /// event (skipping would silently change a view). Shared with the bench's stores, so they measure what runs.
    /// </summary>
    public static void UseLedgerEventConventions(StoreOptions options)
    {
        options.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase, Configure);
        options.Events.StreamIdentity = StreamIdentity.AsGuid;
        options.Events.MetadataConfig.EnableAll();
        options.Events.MetadataConfig.UserNameEnabled = true;
        options.Events.AppendMode = EventAppendMode.QuickWithServerTimestamps;
        options.Projections.Errors.SkipApplyErrors = false;
        options.Projections.RebuildErrors.SkipApplyErrors = false;
    }

    /// <summary>
    /// Every slice's events, projections and documents, and the ledger's subscription. <paramref name="historyBatchSize"/>:
    /// events per page of the History composite (<see cref="Statements.Configuration.HistoryBatchSizeKey"/>).
    /// </summary>
    public static void AddEverySlice(StoreOptions options, int historyBatchSize = Statements.Configuration.DefaultHistoryBatchSize)
    {
        if (historyBatchSize < 1)
        {
            throw new InvalidOperationException(
                $"{Statements.Configuration.HistoryBatchSizeKey} is a number of events per page, 1 or more; it is {historyBatchSize}.");
        }

        options.AddOrganizations();
        options.AddSpeakers();
        options.AddTopics();
        options.AddRatingScales();
        options.AddClaims();
        options.AddStatements(historyBatchSize);
        options.AddSearch();
        options.AddPositions();
        options.AddIngestion();
        options.AddLedger();
    }

    private static int StableHash(string text)
    {
        var hash = 17;
        foreach (var c in text)
        {
            hash = unchecked((hash * 31) + c);
        }

        return hash & 0x7FFFFFFF;
    }
}
