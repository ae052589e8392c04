namespace ClaimsLedger.Infrastructure;

/// <summary>
/// The service's clock for recorded time: it stamps every appended event (Marten's
/// QuickWithServerTimestamps mode) and decides what is "in the future". It is its own service,
/// apart from the TimeProvider the frameworks use for their timers, so tests can move it freely.
/// </summary>
public sealed class LedgerClock(TimeProvider time)
{
    public TimeProvider Time { get; } = time;

    public DateTimeOffset Now => Time.GetUtcNow();
}
