using Microsoft.Extensions.Options;
using Npgsql;

namespace ClaimsLedger.Projections;

/// <summary>When the async projections count as stalled.</summary>
public sealed class ProjectionStallOptions
{
    public const string Section = "Projections";

    /// <summary>
    /// How long the high-water mark may stay held below the last committed event before the projections
    /// are reported stalled. Keep it above the daemon's own wait for a rolled-back append's gap (3 s), or
    /// every conflicting write raises the alert.
    /// </summary>
    public TimeSpan StallThreshold { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>Whether the async projections are held, and where.</summary>
/// <param name="Stalled">The high-water mark has been held below the last committed event for longer than the threshold.</param>
/// <param name="Since">While stalled, when this instance first saw the mark held where it is.</param>
/// <param name="HeldGap">While stalled, the sequence the mark waits for: the high-water mark + 1.</param>
public sealed record ProjectionStall(bool Stalled, DateTimeOffset? Since, long? HeldGap)
{
    public static readonly ProjectionStall None = new(false, null, null);
}

/// <summary>
/// Watches the high-water mark against the log's head. Marten's daemon holds the mark before a
/// sequence gap for as long as a transaction that could still fill it is alive (so a committed event
/// is never skipped), which stops every async view; this turns a hold that outlasts
/// <see cref="ProjectionStallOptions.StallThreshold"/> into an alert: <c>GET /api/projections</c>
/// reports it, and a warning is logged once per stall. The observation is per process (restarting
/// restarts the clock) and needs no database state of its own: it is fed by every status read and by
/// <see cref="ProjectionStallMonitor"/>.
/// </summary>
public sealed partial class ProjectionStallWatch
{
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private Hold? _hold;
    private long _latestMark;
    private long _latestHead;

    public ProjectionStallWatch(IOptions<ProjectionStallOptions> options, ILogger<ProjectionStallWatch> logger)
        : this(options.Value.StallThreshold, logger, TimeProvider.System)
    {
    }

    internal ProjectionStallWatch(TimeSpan threshold, ILogger logger, TimeProvider time)
    {
        Threshold = threshold;
        _logger = logger;
        _time = time;
    }

    public TimeSpan Threshold { get; }

    /// <summary>Takes one reading of the log (read in one statement) and answers whether it is stalled.</summary>
    /// <param name="highWaterMark">The daemon's high-water mark.</param>
    /// <param name="lastSequence">The highest committed sequence, max(seq_id).</param>
    public ProjectionStall Observe(long highWaterMark, long lastSequence)
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            // Both only ever grow: a reading below the latest one was taken before it and says nothing new.
            if (highWaterMark < _latestMark || lastSequence < _latestHead)
            {
                return _hold is null ? ProjectionStall.None : StateOf(_hold, now);
            }

            (_latestMark, _latestHead) = (highWaterMark, lastSequence);
            if (_hold is not null && _hold.Mark != highWaterMark)
            {
                End(_hold, now);
                _hold = null;
            }

            if (highWaterMark >= lastSequence)
            {
                return ProjectionStall.None;
            }

            _hold ??= new Hold(highWaterMark, now);
            var state = StateOf(_hold, now);
            if (state.Stalled && !_hold.Warned)
            {
                _hold.Warned = true;
                LogStalled(_logger, highWaterMark + 1, now - _hold.Since, highWaterMark, lastSequence);
            }

            return state;
        }
    }

    private ProjectionStall StateOf(Hold hold, DateTimeOffset now) =>
        now - hold.Since >= Threshold ? new ProjectionStall(true, hold.Since, hold.Mark + 1) : ProjectionStall.None;

    private void End(Hold hold, DateTimeOffset now)
    {
        if (hold.Warned)
        {
            LogRecovered(_logger, hold.Mark + 1, now - hold.Since);
        }
    }

    private sealed class Hold(long mark, DateTimeOffset since)
    {
        public long Mark { get; } = mark;

        public DateTimeOffset Since { get; } = since;

        public bool Warned { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Async projections are stalled: the high-water mark has waited {Held} for sequence {Gap} (mark {Mark}, events committed up to {LastSequence}). " +
                  "A transaction that took that sequence is still open (look for a session 'idle in transaction' in pg_stat_activity); " +
                  "nothing is skipped, and the views move on when it commits or ends")]
    private static partial void LogStalled(ILogger logger, long gap, TimeSpan held, long mark, long lastSequence);

    [LoggerMessage(Level = LogLevel.Information, Message = "Async projections moved past sequence {Gap} after waiting {Held} for it")]
    private static partial void LogRecovered(ILogger logger, long gap, TimeSpan held);
}

/// <summary>
/// Reads the log's head and high-water mark on a schedule (a quarter of the stall threshold, from
/// 250 ms to 5 s) so that a stall is noticed, and logged, even when nobody asks for the status.
/// </summary>
public sealed partial class ProjectionStallMonitor(ProjectionStatusReader status, ProjectionStallWatch watch, ILogger<ProjectionStallMonitor> logger)
    : BackgroundService
{
    internal static TimeSpan IntervalFor(TimeSpan threshold) =>
        TimeSpan.FromTicks(Math.Clamp(threshold.Ticks / 4, TimeSpan.FromMilliseconds(250).Ticks, TimeSpan.FromSeconds(5).Ticks));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(IntervalFor(watch.Threshold));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var (last, highWater) = await status.ReadHeadAsync(stoppingToken);
                    watch.Observe(highWater, last);
                }
                catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
                {
                    LogFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // A host that fails to start disposes the timer without cancelling stoppingToken: that is a stop, not a fault.
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not read the log's head to watch for stalled projections; the next tick tries again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
