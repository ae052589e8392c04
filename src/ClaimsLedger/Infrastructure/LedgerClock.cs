namespace ClaimsLedger.Infrastructure;

/// <summary>
/// The service's clock for recorded time: it stamps every appended event (Marten's
/// QuickWithServerTimestamps mode) and decides what is "in the future". It is its own service,
/// apart from the TimeProvider the frameworks use for their timers, so tests can move it freely.
/// </summary>
public sealed class LedgerClock
{
    public LedgerClock(TimeProvider time)
    {
        Time = new MicrosecondTime(time);
    }

    /// <summary>
    /// Recorded time at PostgreSQL's precision (microseconds). An inline view sees the timestamp
    /// before it is stored; were it finer than what the database keeps, a rebuild from the stored
    /// events would differ from the live view in the seventh decimal.
    /// </summary>
    public TimeProvider Time { get; }

    public DateTimeOffset Now => Time.GetUtcNow();

    private sealed class MicrosecondTime(TimeProvider inner) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow()
        {
            var now = inner.GetUtcNow();
            return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
        }

        public override long GetTimestamp() => inner.GetTimestamp();

        public override long TimestampFrequency => inner.TimestampFrequency;

        public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;
    }
}
