using System.Collections.Concurrent;
using System.Diagnostics;
using ClaimsLedger.Infrastructure;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Npgsql;

namespace ClaimsLedger.Projections;

/// <summary>A rebuild's progress and outcome.</summary>
public sealed record RebuildState(
    string Projection,
    DateTimeOffset StartedAt,
    long TargetSequence,
    DateTimeOffset? FinishedAt,
    double? Seconds,
    double? EventsPerSecond,
    string? Error)
{
    public bool Running => FinishedAt is null;
}

/// <summary>
/// Rebuilds run on the service's own projection daemon, which stops that projection's agent,
/// replays the log into it, and starts it again, so a rebuild is safe while the service serves.
/// One rebuild per projection at a time; their states are kept for <c>GET /api/projections</c>.
/// </summary>
public sealed partial class ProjectionRebuilds(
    IDocumentStore store, InlineViewRefresh inlineViews, StatementStreamReplay statementStreams, LedgerClock clock, ILogger<ProjectionRebuilds> logger)
{
    private readonly ConcurrentDictionary<string, RebuildState> _latest = new(StringComparer.OrdinalIgnoreCase);

    public RebuildState? Latest(string projection) => _latest.GetValueOrDefault(projection);

    /// <summary>Starts a rebuild in the background; false when one of that projection is already running.</summary>
    public bool TryStart(string projection, long targetSequence, Func<CancellationToken, Task<IProjectionDaemon>> daemon, out RebuildState state)
    {
        state = new RebuildState(projection, clock.Now, targetSequence, null, null, null, null);
        var started = state;
        var current = _latest.AddOrUpdate(projection, started, (_, existing) => existing.Running ? existing : started);
        if (!ReferenceEquals(current, started))
        {
            state = current;
            return false;
        }

        _ = Task.Run(() => RunAsync(started, daemon));
        return true;
    }

    /// <summary>
    /// Rebuilds and waits. <paramref name="whileServing"/> (the default) is for a service that keeps
    /// writing: inline views are recomputed stream by stream without ever being deleted (see
    /// <see cref="InlineViewRefresh"/>), and the async agents the rebuild stopped are started again.
    /// Offline (a stopped service, an import), the views folded from statement streams are replayed in one pass
    /// and bulk-written (<see cref="StatementStreamReplay"/>, reporting events read to <paramref name="progress"/>),
    /// and the daemon rebuilds the rest.
    /// </summary>
    public async Task<RebuildState> RunAsync(
        RebuildState state, Func<CancellationToken, Task<IProjectionDaemon>> daemon, bool whileServing = true, Action<long>? progress = null)
    {
        if (!whileServing && StatementStreamReplay.Handles(state.Projection))
        {
            return (await ReplayAsync([state.Projection], state.TargetSequence, progress is null ? null : (_, events) => progress(events)))[0];
        }

        _latest[state.Projection] = state;
        var stopwatch = Stopwatch.StartNew();
        try
        {
            if (whileServing && IsInline(state.Projection) && InlineViewRefresh.Handles(state.Projection))
            {
                await inlineViews.RefreshAsync(state.Projection, null, CancellationToken.None);
            }
            else
            {
                var running = await daemon(CancellationToken.None);
                var committedBefore = await HighWaterMarkAsync();
                await running.RebuildProjectionAsync(state.Projection, TimeSpan.FromHours(2), CancellationToken.None);
                if (IsInline(state.Projection))
                {
                    await ForgetProgressAsync(state.Projection);
                }
                else if (whileServing)
                {
                    // The replay reads up to the highest sequence allocated, not the high-water mark, so
                    // an append still committing below it can be passed over. Everything up to the mark
                    // taken before the rebuild was committed; resume from there (the projection ignores
                    // events it already holds) and nothing appended meanwhile is lost.
                    await RewindAsync(state.Projection, committedBefore);
                    await running.StartAgentAsync($"{state.Projection}:All", CancellationToken.None);
                }
            }

            var seconds = stopwatch.Elapsed.TotalSeconds;
            state = state with
            {
                FinishedAt = clock.Now,
                Seconds = Math.Round(seconds, 3),
                EventsPerSecond = seconds > 0 ? Math.Round(state.TargetSequence / seconds) : null,
            };
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogFailed(logger, e, state.Projection);
            state = state with { FinishedAt = clock.Now, Seconds = stopwatch.Elapsed.TotalSeconds, Error = e.Message };
        }

        _latest[state.Projection] = state;
        return state;
    }

    /// <summary>
    /// Rebuilds <paramref name="projections"/> on a stopped service (or right after an import) and returns each one's
    /// outcome, in the order given. The views folded from statement streams are replayed together in one pass
    /// (<see cref="StatementStreamReplay"/>; each reports that pass's time) while the daemon rebuilds the others one after
    /// another beside it: they read and write tables of their own, and the replay leaves a core to spare.
    /// <paramref name="progress"/> hears the events the replay has read, for each projection it rebuilds; a daemon
    /// rebuild's progress is its shard's, in the database.
    /// </summary>
    public async Task<IReadOnlyList<RebuildState>> RunOfflineAsync(
        IReadOnlyList<string> projections, long targetSequence, Func<CancellationToken, Task<IProjectionDaemon>> daemon, Action<string, long>? progress = null)
    {
        var replayed = projections.Where(StatementStreamReplay.Handles).ToList();
        var replay = replayed.Count == 0
            ? Task.FromResult<IReadOnlyList<RebuildState>>([])
            : ReplayAsync(replayed, targetSequence, progress);
        var others = Task.Run(async () =>
        {
            var states = new List<RebuildState>();
            foreach (var projection in projections.Except(replayed))
            {
                states.Add(await RunAsync(new RebuildState(projection, clock.Now, targetSequence, null, null, null, null), daemon, whileServing: false));
            }

            return (IReadOnlyList<RebuildState>)states;
        });
        var outcomes = (await replay).Concat(await others).ToDictionary(state => state.Projection, StringComparer.OrdinalIgnoreCase);
        return [.. projections.Select(projection => outcomes[projection])];
    }

    private async Task<IReadOnlyList<RebuildState>> ReplayAsync(IReadOnlyList<string> projections, long targetSequence, Action<string, long>? progress)
    {
        var started = clock.Now;
        foreach (var projection in projections)
        {
            _latest[projection] = new RebuildState(projection, started, targetSequence, null, null, null, null);
        }

        var stopwatch = Stopwatch.StartNew();
        string? error = null;
        try
        {
            await statementStreams.RunAsync(projections, events => Report(events), CancellationToken.None);
            foreach (var projection in projections.Where(IsInline))
            {
                await ForgetProgressAsync(projection);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogFailed(logger, e, string.Join(", ", projections));
            error = e.Message;
        }

        var seconds = stopwatch.Elapsed.TotalSeconds;
        var finished = clock.Now;
        List<RebuildState> states = [.. projections.Select(projection => new RebuildState(projection, started, targetSequence, finished, Math.Round(seconds, 3),
            error is null && seconds > 0 ? Math.Round(targetSequence / seconds) : null, error))];
        foreach (var state in states)
        {
            _latest[state.Projection] = state;
        }

        return states;

        void Report(long events)
        {
            foreach (var projection in projections)
            {
                progress?.Invoke(projection, events);
            }
        }
    }

    public string[] Names() => [.. ((StoreOptions)store.Options).Projections.All.Select(source => source.Name)];

    public bool IsInline(string projection) =>
        ((StoreOptions)store.Options).Projections.All.Any(source =>
            source.Name.Equals(projection, StringComparison.OrdinalIgnoreCase) && source.Lifecycle == ProjectionLifecycle.Inline);

    private async Task<long> HighWaterMarkAsync()
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select coalesce(max(last_seq_id), 0) from {store.Options.Events.DatabaseSchemaName}.mt_event_progression where name = 'HighWaterMark'",
            connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task RewindAsync(string projection, long sequence)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"update {store.Options.Events.DatabaseSchemaName}.mt_event_progression set last_seq_id = @sequence where name = @shard and last_seq_id > @sequence",
            connection);
        command.Parameters.AddWithValue("sequence", sequence);
        command.Parameters.AddWithValue("shard", $"{projection}:All");
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// A rebuild leaves a progress row for the projection, but an inline view is kept current by each
    /// append, not by an agent: the row would never move again and make the view look stale forever.
    /// </summary>
    private async Task ForgetProgressAsync(string projection)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"delete from {store.Options.Events.DatabaseSchemaName}.mt_event_progression where name like @shard", connection);
        command.Parameters.AddWithValue("shard", $"{projection}:%");
        await command.ExecuteNonQueryAsync();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Rebuilding projection {Projection} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string projection);
}
