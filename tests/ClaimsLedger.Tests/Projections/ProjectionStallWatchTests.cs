using ClaimsLedger.Projections;
using Microsoft.Extensions.Logging;
using Shouldly;

namespace ClaimsLedger.Tests.Projections;

/// <summary>
/// The stall alert's clock: the mark held below the log's head, without moving, past the threshold; one
/// warning per stall; cleared as soon as the mark moves.
/// </summary>
public sealed class ProjectionStallWatchTests
{
    private static readonly TimeSpan Threshold = TimeSpan.FromSeconds(10);
    private readonly ManualTime _time = new();
    private readonly RecordingLogger _log = new();
    private readonly ProjectionStallWatch _watch;

    public ProjectionStallWatchTests() => _watch = new ProjectionStallWatch(Threshold, _log, _time);

    [Fact]
    public void A_caught_up_log_is_never_stalled()
    {
        _watch.Observe(highWaterMark: 7, lastSequence: 7).ShouldBe(ProjectionStall.None);
        _time.Advance(TimeSpan.FromHours(1));
        _watch.Observe(7, 7).ShouldBe(ProjectionStall.None);
        _log.Warnings.ShouldBe(0);
    }

    [Fact]
    public void A_mark_held_below_the_head_is_stalled_once_the_threshold_has_passed_and_warned_about_once()
    {
        var since = _time.GetUtcNow();
        _watch.Observe(7, 9).Stalled.ShouldBeFalse();
        _time.Advance(Threshold - TimeSpan.FromMilliseconds(1));
        _watch.Observe(7, 12).Stalled.ShouldBeFalse("still inside the threshold, though more was committed");

        _time.Advance(TimeSpan.FromMilliseconds(1));
        _watch.Observe(7, 12).ShouldBe(new ProjectionStall(true, since, 8));
        _time.Advance(TimeSpan.FromMinutes(5));
        _watch.Observe(7, 15).ShouldBe(new ProjectionStall(true, since, 8));
        _log.Warnings.ShouldBe(1);
    }

    [Fact]
    public void The_stall_clears_when_the_mark_moves_and_a_later_hold_is_a_new_stall()
    {
        _watch.Observe(7, 9);
        _time.Advance(Threshold);
        _watch.Observe(7, 9).Stalled.ShouldBeTrue();

        _watch.Observe(9, 9).ShouldBe(ProjectionStall.None);
        _log.Informations.ShouldBe(1, "the recovery is logged");

        var since = _time.GetUtcNow();
        _watch.Observe(10, 12).Stalled.ShouldBeFalse("a new hold starts its own clock");
        _time.Advance(Threshold);
        _watch.Observe(10, 12).ShouldBe(new ProjectionStall(true, since, 11));
        _log.Warnings.ShouldBe(2);
    }

    [Fact]
    public void A_mark_that_keeps_moving_behind_a_busy_log_is_not_stalled()
    {
        for (var mark = 1; mark < 20; mark++)
        {
            _time.Advance(Threshold);
            _watch.Observe(mark, mark + 5).Stalled.ShouldBeFalse();
        }
    }

    [Fact]
    public void A_reading_older_than_the_latest_neither_clears_nor_restarts_the_hold()
    {
        var since = _time.GetUtcNow();
        _watch.Observe(7, 9);
        _time.Advance(Threshold);
        _watch.Observe(7, 7).ShouldBe(new ProjectionStall(true, since, 8), "taken before the head reached 9");
        _watch.Observe(6, 9).ShouldBe(new ProjectionStall(true, since, 8), "taken before the mark reached 7");
    }

    [Theory]
    [InlineData(1, 250)]
    [InlineData(2_000, 500)]
    [InlineData(10_000, 2_500)]
    [InlineData(600_000, 5_000)]
    public void The_monitor_reads_four_times_per_threshold_within_bounds(int thresholdMs, int intervalMs) =>
        ProjectionStallMonitor.IntervalFor(TimeSpan.FromMilliseconds(thresholdMs)).ShouldBe(TimeSpan.FromMilliseconds(intervalMs));

    private sealed class ManualTime : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }

    private sealed class RecordingLogger : ILogger
    {
        public int Warnings { get; private set; }

        public int Informations { get; private set; }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning)
            {
                Warnings++;
            }
            else if (logLevel == LogLevel.Information)
            {
                Informations++;
            }
        }
    }
}
