using System.Diagnostics;
using System.Globalization;
using ClaimsLedger.Claims;
using ClaimsLedger.Infrastructure;
using ClaimsLedger.Ledger;
using ClaimsLedger.Organizations;
using ClaimsLedger.Positions;
using ClaimsLedger.Projections;
using ClaimsLedger.RatingScales;
using ClaimsLedger.Search;
using ClaimsLedger.Speakers;
using ClaimsLedger.Statements;
using ClaimsLedger.Topics;
using ClaimsLedger.Ingestion;
using JasperFx;
using Microsoft.Extensions.Configuration;
using JasperFx.Events;
using Marten;
using Npgsql;
using Weasel.Core;

namespace ClaimsLedger.Bench.Harness;

/// <summary>
/// The one large event log figures 3, 6 and 8 share: seeded once per bench run into a schema the service's
/// own `setup` created, with Marten's BulkInsertEventsAsync (binary COPY; it applies no projection, so the
/// views are built afterwards the way the running service builds them: see <see cref="BuildLiveViewsAsync"/>).
/// The mix is deterministic from the seed: organizations, speakers with roles and aliases, topics with stance
/// ladders, claims with verdicts and revisions, and statements recorded, assessed on one or two topics, reported
/// again, linked to claims, corrected, retracted and withdrawn, interleaved in the log the way they would be
/// recorded, so every projection has work.
/// </summary>
internal sealed class BigLog : IAsyncDisposable
{
    public const string Schema = "bench_biglog";
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static BigLog? _shared;
    private static int _users;

    private static readonly string[] Ladder = ["ruled-out", "assessing", "considering-options", "preparing", "committed", "acting"];
    private static readonly string[] Outlets = ["i-HLS", "Reuters", "Associated Press", "Latin One", "Homeland Security News Wire", "Defense One", "Stars and Stripes"];

    private BigLog(BenchSettings settings, DocumentStore store, NpgsqlDataSource owner)
    {
        Settings = settings;
        Store = store;
        Owner = owner;
    }

    public BenchSettings Settings { get; }

    /// <summary>A Marten store configured as the service's (Infrastructure/Storage.cs), as the schema owner, without Wolverine.</summary>
    public DocumentStore Store { get; }

    public NpgsqlDataSource Owner { get; }

    public long Events { get; private set; }

    public int Streams { get; private set; }

    public TimeSpan Seeding { get; private set; }

    public Guid FirstSpeaker { get; private set; }

    public Guid FirstTopic { get; private set; }

    /// <summary>How long the live History agent took to catch up with the seeded log, from nothing.</summary>
    public TimeSpan HistoryCatchUp { get; private set; }

    /// <summary>How long the service's while-serving refresh of every inline view took (stream by stream).</summary>
    public TimeSpan InlineRefresh { get; private set; }

    /// <summary>How long the ledger subscription took to hash the seeded log into its tree, from nothing.</summary>
    public TimeSpan LedgerCatchUp { get; private set; }

    public IReadOnlyDictionary<string, long> EventsByType { get; private set; } = new Dictionary<string, long>();

    public string AppDirectory => Settings.AppDirectory;

    /// <summary>The shared log, seeded by the first figure that asks; each caller releases it once.</summary>
    public static async Task<BigLog> AcquireAsync(BenchSettings settings, CancellationToken cancellation)
    {
        await Gate.WaitAsync(cancellation);
        try
        {
            _users++;
            if (_shared is null)
            {
                var owner = NpgsqlDataSource.Create(settings.OwnerConnection);
                var appDirectory = settings.AppDirectory;
                await using (var connection = await owner.OpenConnectionAsync(cancellation))
                {
                    await using var drop = new NpgsqlCommand($"drop schema if exists {Schema} cascade; drop schema if exists {Schema}_messages cascade", connection);
                    await drop.ExecuteNonQueryAsync(cancellation);
                }

                await ServiceProcess.SetUpAsync(appDirectory, settings.OwnerConnection, Schema, cancellation);
                var log = new BigLog(settings, CreateStore(settings.OwnerConnection), owner);
                await log.SeedAsync(cancellation);
                await log.BuildLiveViewsAsync(cancellation);
                _shared = log;
            }

            return _shared;
        }
        finally
        {
            Gate.Release();
        }
    }

    public static async ValueTask ReleaseAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (--_users == 0 && _shared is not null)
            {
                await _shared.DisposeAsync();
                _shared = null;
            }
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>The service's store settings (Infrastructure/Storage.cs, minus Wolverine): every projection and the ledger subscription.</summary>
    public static DocumentStore CreateStore(string connection) => DocumentStore.For(options =>
    {
        // Prepared as the service's connections are (Infrastructure/DatabasePreparedStatements.cs).
        options.Connection(DatabasePreparedStatements.Apply(connection, new ConfigurationBuilder().Build()));
        options.DatabaseSchemaName = Schema;
        options.AutoCreateSchemaObjects = AutoCreate.None;
        Storage.UseLedgerEventConventions(options);
        options.Events.UseAdvisoryLockTransaction = false;
        Storage.AddEverySlice(options);
    });

    /// <summary>Every event row, in sequence order, as the COPY floor writes it (read back, so the very same payloads).</summary>
    public async Task<List<EventPayload>> ReadPayloadsAsync(CancellationToken cancellation)
    {
        var payloads = new List<EventPayload>((int)Events);
        await using var connection = await Owner.OpenConnectionAsync(cancellation);
        await using var command = new NpgsqlCommand($"select seq_id, id, stream_id, version, type, data::text, timestamp from {Schema}.mt_events order by seq_id", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        var types = new Dictionary<string, string>();
        while (await reader.ReadAsync(cancellation))
        {
            var type = reader.GetString(4);
            type = types.TryGetValue(type, out var known) ? known : types[type] = type;
            payloads.Add(new EventPayload(reader.GetInt64(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetInt64(3), type, reader.GetString(5),
                reader.GetFieldValue<DateTimeOffset>(6)));
        }

        return payloads;
    }

    public async Task<long> ScalarAsync(string sql, CancellationToken cancellation)
    {
        await using var connection = await Owner.OpenConnectionAsync(cancellation);
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellation), CultureInfo.InvariantCulture);
    }

    /// <summary>Waits until the shard (e.g. "History:All", "Ledger:All") has processed every event up to the high-water mark.</summary>
    public async Task WaitForShardAsync(string shard, TimeSpan timeout, CancellationToken cancellation)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        var target = await ScalarAsync($"select coalesce(max(seq_id), 0) from {Schema}.mt_events", cancellation);
        while (await ScalarAsync($"select coalesce(max(last_seq_id), 0) from {Schema}.mt_event_progression where name = '{shard}'", cancellation) < target)
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"{shard} did not reach sequence {target} within {timeout}.");
            }

            await Task.Delay(100, cancellation);
        }
    }

    private async Task SeedAsync(CancellationToken cancellation)
    {
        var total = Settings.LogEvents;
        Console.WriteLine($"  seeding the shared log of {total:N0} events ({Schema})...");
        var watch = Stopwatch.StartNew();
        var random = new Random(Settings.Seed);
        var registry = Store.Options.Events as IEventRegistry ?? throw new InvalidOperationException("Marten's event options are not an IEventRegistry.");
        var clock = DateTimeOffset.Parse("2016-02-01T00:00:00Z", CultureInfo.InvariantCulture);
        long order = 0;
        var byType = new Dictionary<string, long>();
        var actions = new List<StreamAction>();

        StreamAction Start<TAggregate>(Guid id, params object[] events)
        {
            var action = StreamAction.Start(registry, id, events);
            action.AggregateType = typeof(TAggregate);
            actions.Add(action);
            Streams++;
            return action;
        }

        Guid NewId()
        {
            var bytes = new byte[16];
            random.NextBytes(bytes);
            return new Guid(bytes);
        }

        // Places an event in the log: sequence order follows the order of these calls (BulkInsertEventsAsync keeps
        // the order pre-set in Sequence across streams), recorded time moves on a few seconds per event.
        void Place(IEvent @event)
        {
            order++;
            @event.Sequence = order;
            @event.Timestamp = clock.AddSeconds(order * 3);
            @event.UserName = order % 3 == 0 ? "editor-bench" : "recorder-bench";
            @event.CorrelationId = $"bench-{order / 4}";
            var name = registry.EventMappingFor(@event.EventType).EventTypeName;
            byType[name] = byType.GetValueOrDefault(name) + 1;
        }

        var organizations = Enumerable.Range(0, Math.Max(5, total / 50_000))
            .Select(i => new OrganizationRegistered(NewId(), $"Organization {i}", [$"Org{i}"])).ToList();
        var topics = Enumerable.Range(0, Math.Max(5, total / 5_000))
            .Select(i => new TopicOpened(NewId(), $"Topic {i}: military action in region {i}", null,
                new StanceLadder([.. Ladder.Select(key => new StanceRung(key, key))]))).ToList();
        var speakers = new List<Attribution>();
        var claims = new List<Guid>();

        // The reference data: organizations, speakers (each with a role and sometimes an alias), topics, the rating
        // scale, and claims with their verdicts.
        foreach (var organization in organizations)
        {
            Start<Organization>(organization.OrganizationId, organization);
        }

        for (var i = 0; i < Math.Max(20, total / 500); i++)
        {
            var id = NewId();
            var organization = organizations[random.Next(organizations.Count)];
            var role = new RoleAssumed(id, NewId(), $"Spokesperson {i % 7}", organization.OrganizationId, organization.Name, StatedTime.OfYear(2015));
            var name = $"Speaker {i}";
            object[] events = i % 3 == 0 ? [new SpeakerRegistered(id, name, SpeakerKind.Person, null), role, new AliasAdded(id, $"S{i}")]
                : [new SpeakerRegistered(id, name, SpeakerKind.Person, null), role];
            Start<Speaker>(id, events);
            speakers.Add(new Attribution(id, name, role.RoleId, role.Title, organization.OrganizationId, organization.Name));
        }

        foreach (var topic in topics)
        {
            Start<Topic>(topic.TopicId, topic);
        }

        Start<RatingScale>(DefaultRatingScale.Id, DefaultRatingScale.Definition);
        for (var i = 0; i < Math.Max(10, total / 50); i++)
        {
            var id = NewId();
            var verdict = NewId();
            Finding Finding(int rating) => new(DefaultRatingScale.Id, 1, DefaultRatingScale.Ratings[rating].Key, $"Rationale {i}.", [$"https://example.org/evidence/{i}"],
                "checker-bench", StatedTime.OfDay(2016, 1 + (i % 12), 1 + (i % 28)), null);
            object[] events = i % 4 == 0
                ? [new ClaimOpened(id, $"Claim {i} about the region", null, [topics[i % topics.Count].TopicId], DefaultRatingScale.Id), new VerdictIssued(id, verdict, Finding(i % 6)),
                    new VerdictRevised(id, NewId(), verdict, Finding((i + 1) % 6), "New evidence.")]
                : [new ClaimOpened(id, $"Claim {i} about the region", null, [topics[i % topics.Count].TopicId], DefaultRatingScale.Id), new VerdictIssued(id, verdict, Finding(i % 6))];
            Start<Claim>(id, events);
            claims.Add(id);
        }

        foreach (var @event in actions.SelectMany(action => action.Events))
        {
            Place(@event);
        }

        await Store.BulkInsertEventsAsync(actions, 5000, cancellation);
        Events = order;
        FirstSpeaker = speakers[0].SpeakerId;
        FirstTopic = topics[0].TopicId;

        // Statements, a chunk at a time: each chunk records its statements, then their follow-ups arrive in rounds
        // (every statement's first follow-up in shuffled order, then every second one...), as later work would.
        const int chunk = 20_000;
        var statement = 0;
        while (Events < total)
        {
            actions.Clear();
            var followUps = new List<List<IEvent>>();
            for (var i = 0; i < chunk && Events + actions.Sum(a => a.Events.Count) < total; i++, statement++)
            {
                var id = NewId();
                var speaker = speakers[random.Next(speakers.Count)];
                var first = topics[random.Next(topics.Count)].TopicId;
                IReadOnlyList<Guid> about = random.Next(3) == 0 ? [first, topics[random.Next(topics.Count)].TopicId] : [first];
                about = [.. about.Distinct()];
                var outlet = Outlets[random.Next(Outlets.Length)];
                var stated = new DateOnly(2016, 1, 1).AddDays(random.Next(0, 366));
                var events = new List<object>
                {
                    new StatementRecorded(id, speaker, $"We are {Ladder[random.Next(Ladder.Length)]} on the matter, statement {statement}.", (QuoteKind)random.Next(3),
                        StatedTime.OfDay(stated.Year, stated.Month, stated.Day), about, new Source(outlet, $"https://news.example/{outlet.Length}/{statement}", null, null, null, null, null, null)),
                };
                events.AddRange(about.Select(topic => (object)new StanceAssessed(id, topic, Ladder[random.Next(Ladder.Length)], random.Next(4) == 0 ? "Read from the briefing." : null)));
                if (random.Next(10) < 3)
                {
                    events.Add(new SourceAdded(id, new Source(Outlets[random.Next(Outlets.Length)], $"https://wire.example/{statement}", null, null, null, null, null, outlet)));
                }

                if (random.Next(10) < 2)
                {
                    events.Add(new ClaimLinked(id, claims[random.Next(claims.Count)], (ClaimRelation)random.Next(3), null));
                }

                if (random.Next(100) < 5)
                {
                    events.Add(new QuoteCorrected(id, $"We are assessing the matter, statement {statement} (corrected).", QuoteKind.Direct, "Transcript differs."));
                }

                if (random.Next(100) < 3)
                {
                    events.Add(new StanceAssessed(id, first, Ladder[random.Next(Ladder.Length)], "Reassessed."));
                }

                if (random.Next(100) < 2)
                {
                    var other = speakers[random.Next(speakers.Count)];
                    events.Add(new AttributionCorrected(id, other, "Misattributed."));
                }

                var end = random.Next(100);
                if (end < 2)
                {
                    events.Add(new StatementRetracted(id, StatedTime.OfDay(2016, 12, 31), null, "Walked back."));
                }
                else if (end < 3)
                {
                    events.Add(new StatementWithdrawn(id, "Recorded in error."));
                }

                var action = Start<Statement>(id, [.. events]);
                Place(action.Events[0]);
                followUps.Add([.. action.Events.Skip(1)]);
            }

            var pending = followUps.Where(list => list.Count > 0).ToList();
            for (var round = 0; pending.Count > 0; round++)
            {
                foreach (var list in pending.OrderBy(_ => random.Next()))
                {
                    Place(list[round]);
                }

                pending = [.. pending.Where(list => list.Count > round + 1)];
            }

            await Store.BulkInsertEventsAsync(actions, 5000, cancellation);
            Events = order;
        }

        watch.Stop();
        Seeding = watch.Elapsed;
        EventsByType = byType;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  seeded {Events:N0} events in {Streams:N0} streams in {Seeding.TotalSeconds:N1} s"));
    }

    /// <summary>
    /// Makes the views and the ledger what a running service would have made of this log: the async History
    /// agent catches up on the live daemon (not a rebuild), every inline view is computed by the service's
    /// while-serving refresh (<see cref="InlineViewRefresh"/>: each stream's events folded and stored, since the
    /// bulk insert applied no inline projection), then the ledger subscription hashes every event into its tree.
    /// Figure 3 compares its rebuilds with these views; figure 6 verifies this tree.
    /// </summary>
    private async Task BuildLiveViewsAsync(CancellationToken cancellation)
    {
        Console.WriteLine("  building the live views (History agent, inline refresh) and the ledger...");
        var rebuilds = Rebuilds();
        var refresh = new InlineViewRefresh(Store);
        using var daemon = await Store.BuildProjectionDaemonAsync();
        var history = Task.Run(async () =>
        {
            var watch = Stopwatch.StartNew();
            await daemon.StartAgentAsync($"{Statements.Configuration.HistoryProjection}:All", cancellation);
            await WaitForShardAsync($"{Statements.Configuration.HistoryProjection}:All", TimeSpan.FromMinutes(30), cancellation);
            HistoryCatchUp = watch.Elapsed;
        }, cancellation);
        var inline = Task.Run(async () =>
        {
            var watch = Stopwatch.StartNew();
            foreach (var name in rebuilds.Names().Where(name => rebuilds.IsInline(name) && InlineViewRefresh.Handles(name)))
            {
                await refresh.RefreshAsync(name, null, cancellation);
            }

            InlineRefresh = watch.Elapsed;
        }, cancellation);
        await Task.WhenAll(history, inline);

        var ledger = Stopwatch.StartNew();
        await daemon.StartAgentAsync($"{LedgerSubscription.SubscriptionName}:All", cancellation);
        await WaitForShardAsync($"{LedgerSubscription.SubscriptionName}:All", TimeSpan.FromMinutes(30), cancellation);
        LedgerCatchUp = ledger.Elapsed;
        await daemon.StopAllAsync();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  History caught up in {HistoryCatchUp.TotalSeconds:N1} s, inline views refreshed in {InlineRefresh.TotalSeconds:N1} s, ledger in {LedgerCatchUp.TotalSeconds:N1} s"));
    }

    /// <summary>The service's rebuilds (Projections/Rebuilding), over this store.</summary>
    public ProjectionRebuilds Rebuilds() =>
        new(Store, new InlineViewRefresh(Store), new StatementStreamReplay(Store), new LedgerClock(TimeProvider.System), Microsoft.Extensions.Logging.Abstractions.NullLogger<ProjectionRebuilds>.Instance);

    /// <summary>A one-line account of the log, for the figures' notes.</summary>
    public string Summary() => string.Create(CultureInfo.InvariantCulture,
        $"The shared log: {Events:N0} events in {Streams:N0} streams, seeded with BulkInsertEventsAsync in {Seeding.TotalSeconds:N1} s ({string.Join(", ", EventsByType.OrderByDescending(pair => pair.Value).Select(pair => $"{pair.Key} {pair.Value:N0}"))}).");

    public async ValueTask DisposeAsync()
    {
        Store.Dispose();
        await Owner.DisposeAsync();
    }
}
