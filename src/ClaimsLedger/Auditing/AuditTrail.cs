using ClaimsLedger.Infrastructure.Http;
using Marten;

namespace ClaimsLedger.Auditing;

/// <summary>Marker type of the streams that record reads of the log.</summary>
public sealed record AuditTrailRead;

/// <summary>
/// An auditor read the event log: who (in the event's metadata), when (its recorded time), through which
/// endpoint, with which filters, and up to which sequence the read could see (the high-water mark then).
/// </summary>
public sealed record EventLogRead(string Endpoint, string Query, long AfterSequence, long? ThroughSequence, long HighWaterMark);

/// <summary>
/// Records every read of the event log as an event of its own, before the read streams: reads that fail
/// or are abandoned half-way are recorded too. The record sits in the same append-only, Merkle-proofed log.
/// </summary>
public sealed class AuditTrail(IDocumentStore store, EventLog log)
{
    public async Task RecordReadAsync(HttpContext context, EventFilter filter, CancellationToken cancellation)
    {
        var highWaterMark = await log.HighWaterMarkAsync(cancellation);
        await using var session = store.LightweightSession();
        RecordingMetadata.Before(context, session);
        session.Events.StartStream<AuditTrailRead>(Guid.CreateVersion7(),
            new EventLogRead(context.Request.Path.Value ?? "", context.Request.QueryString.Value ?? "", filter.AfterSequence, filter.ThroughSequence, highWaterMark));
        await session.SaveChangesAsync(cancellation);
    }
}
