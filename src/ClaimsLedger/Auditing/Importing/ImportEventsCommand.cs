using System.Globalization;
using ClaimsLedger.Projections;
using JasperFx;
using JasperFx.CommandLine;
using JasperFx.Events.Daemon;
using Marten;
using Spectre.Console;

namespace ClaimsLedger.Auditing.Importing;

public sealed class ImportEventsInput : NetCoreInput
{
    [Description("The NDJSON export to load.")]
    public string File { get; set; } = "claimsledger-events.ndjson";

    [Description("Who is importing (recorded on every event's import header).")]
    public string ByFlag { get; set; } = Environment.UserName;
}

[Description("Load an NDJSON export into an empty database (keeping sequence, recorded time and metadata), then rebuild every view.", Name = "import-events")]
public sealed class ImportEventsCommand : JasperFxAsyncCommand<ImportEventsInput>
{
    public override async Task<bool> Execute(ImportEventsInput input)
    {
        using var host = input.BuildHost();
        var importer = host.Services.GetRequiredService<EventLogImporter>();
        var summary = await importer.ImportAsync(input.File, input.ByFlag,
            events => AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"  {events:N0} events imported"), CancellationToken.None);
        AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture,
            $"Imported [green]{summary.Events:N0}[/] events in {summary.Streams:N0} streams (last sequence {summary.LastSequence:N0}) from {input.File} (sha256 {summary.FileSha256}).");

        var store = host.Services.GetRequiredService<IDocumentStore>();
        var rebuilds = host.Services.GetRequiredService<ProjectionRebuilds>();
        using var daemon = await store.BuildProjectionDaemonAsync();
        var results = await rebuilds.RunOfflineAsync(rebuilds.Names(), summary.LastSequence, _ => Task.FromResult<IProjectionDaemon>(daemon));
        foreach (var result in results)
        {
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture,
                $"  rebuilt {result.Projection}: {result.Seconds:0.00} s{(result.Error is null ? "" : $" [red]{result.Error}[/]")}");
        }

        return results.All(result => result.Error is null);
    }
}
