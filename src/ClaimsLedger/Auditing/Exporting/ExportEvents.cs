using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using JasperFx;
using JasperFx.CommandLine;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClaimsLedger.Auditing.Exporting;

public static class ExportEventsEndpoint
{
    public static ProblemDetails Validate(string? from, string? to, long? afterSequence, long? throughSequence) =>
        afterSequence is < 0 ? Problems.Invalid("afterSequence", "afterSequence must not be negative.")
        : throughSequence is < 0 ? Problems.Invalid("throughSequence", "throughSequence must not be negative.")
        : EventQuery.Read(null, null, null, from, to, null, out _);

    /// <summary>
    /// The whole log, or a range of it, as NDJSON (one event per line, in sequence order, with every
    /// metadata field), streamed in constant memory. <c>import-events</c> loads such a file into an
    /// empty database. The read is itself recorded in the log (an <c>event_log_read</c> event).
    /// </summary>
    [WolverineGet("/api/events/export"), RequiresRole(Roles.Auditor)]
    // Its length grows with the log, so the API's default limit would cut every export of a large one: a
    // longer limit of its own (RequestTimeouts:Export). Past it the stream is cut; resume with afterSequence.
    [RequestTimeout(RequestTimeouts.ExportPolicy)]
    [Tags("Auditing")]
    [Produces("application/x-ndjson")]
    public static async Task<IResult> Get(string? from, string? to, long? afterSequence, long? throughSequence, EventLog log, AuditTrail trail, HttpContext context)
    {
        EventQuery.Read(null, null, null, from, to, null, out var filter);
        filter = filter with { AfterSequence = afterSequence ?? 0, ThroughSequence = throughSequence };
        await trail.RecordReadAsync(context, filter, context.RequestAborted);
        context.Response.Headers.ContentDisposition = "attachment; filename=\"claimsledger-events.ndjson\"";
        return Results.Stream(body => log.WriteAsync(body, filter, null, ndjson: true, context.RequestAborted), "application/x-ndjson");
    }
}

public sealed class ExportEventsInput : NetCoreInput
{
    [Description("The NDJSON file to write.")]
    public string File { get; set; } = "claimsledger-events.ndjson";

    [Description("Export only events after this sequence number.")]
    public long AfterFlag { get; set; }

    [Description("Export only events up to this sequence number.")]
    public long? ThroughFlag { get; set; }
}

[Description("Export the event log (up to the high-water mark) as NDJSON, one event per line.", Name = "export-events")]
public sealed class ExportEventsCommand : JasperFxAsyncCommand<ExportEventsInput>
{
    public override async Task<bool> Execute(ExportEventsInput input)
    {
        using var host = input.BuildHost();
        var log = host.Services.GetRequiredService<EventLog>();
        await using (var file = File.Create(input.File))
        {
            await log.WriteAsync(file, new EventFilter(input.AfterFlag, input.ThroughFlag), null, ndjson: true, CancellationToken.None);
        }

        var lines = File.ReadLines(input.File).LongCount();
        Console.WriteLine($"Exported {lines} events to {input.File} (up to the high-water mark {await log.HighWaterMarkAsync(CancellationToken.None)}).");
        return true;
    }
}
