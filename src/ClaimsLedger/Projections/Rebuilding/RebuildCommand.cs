using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Samples;
using JasperFx;
using JasperFx.CommandLine;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Spectre.Console;

namespace ClaimsLedger.Projections.Rebuilding;

public sealed class RebuildInput : NetCoreInput
{
    [Description("The projection to rebuild, or 'all'.")]
    public string Projection { get; set; } = "all";

    [Description("Base URL of a running service: the rebuild runs on its daemon while it serves. Without it, the rebuild runs here (the service should be stopped).")]
    public string? UrlFlag { get; set; }

    [Description("Admin bearer token for --url (default: a development token, when Auth:SigningKey is set).")]
    public string? TokenFlag { get; set; }
}

[Description("Rebuild one projection or all from the event log, with progress and a summary (events, seconds, events/s).", Name = "rebuild")]
public sealed class RebuildCommand : JasperFxAsyncCommand<RebuildInput>
{
    public override async Task<bool> Execute(RebuildInput input)
    {
        using var host = input.BuildHost();
        var rebuilds = host.Services.GetRequiredService<ProjectionRebuilds>();
        var names = input.Projection.Equals("all", StringComparison.OrdinalIgnoreCase) ? rebuilds.Names() : [input.Projection];
        var unknown = names.Except(rebuilds.Names(), StringComparer.OrdinalIgnoreCase).ToList();
        if (unknown.Count > 0)
        {
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[red]No projection {string.Join(", ", unknown)}.[/] Projections: all, {string.Join(", ", rebuilds.Names())}.");
            return false;
        }

        var results = input.UrlFlag is null
            ? await RebuildHereAsync(host.Services, rebuilds, names)
            : await RebuildOnServiceAsync(host.Services, input, names);

        var table = new Table().AddColumns("Projection", "Events", "Seconds", "Events/s", "Outcome");
        foreach (var result in results)
        {
            table.AddRow(result.Projection, result.TargetSequence.ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
                $"{result.Seconds:0.00}", $"{result.EventsPerSecond:N0}", result.Error is null ? "[green]rebuilt[/]" : $"[red]{Markup.Escape(result.Error)}[/]");
        }

        AnsiConsole.Write(table);
        return results.All(result => result.Error is null);
    }

    /// <summary>In this process, on a daemon of its own: for a stopped service, or right after an import.</summary>
    private static async Task<IReadOnlyList<RebuildState>> RebuildHereAsync(IServiceProvider services, ProjectionRebuilds rebuilds, IReadOnlyList<string> names)
    {
        var store = services.GetRequiredService<IDocumentStore>();
        var status = services.GetRequiredService<ProjectionStatusReader>();
        using var daemon = await store.BuildProjectionDaemonAsync();
        var target = (await status.ReadAsync(CancellationToken.None)).LastSequence;
        IReadOnlyList<RebuildState> results = [];
        await AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async progress =>
            {
                var bars = names.ToDictionary(name => name, name => progress.AddTask(name, maxValue: Math.Max(1, target)), StringComparer.OrdinalIgnoreCase);
                // The replay of the statement streams reports the events it has read (most of the log); a daemon rebuild, its shard's progress.
                var replayed = new ConcurrentDictionary<string, long>(StringComparer.OrdinalIgnoreCase);
                var rebuild = rebuilds.RunOfflineAsync(names, target, _ => Task.FromResult<IProjectionDaemon>(daemon), (name, events) => replayed[name] = events);
                while (!rebuild.IsCompleted)
                {
                    await Task.WhenAny(rebuild, Task.Delay(250));
                    // One read of every shard's progress per tick, for all the daemon's rebuilds at once.
                    var shards = await store.Advanced.AllProjectionProgress();
                    foreach (var (name, bar) in bars)
                    {
                        bar.Value = rebuilds.Latest(name) is { Running: false }
                            ? bar.MaxValue
                            : Math.Min(bar.MaxValue, replayed.TryGetValue(name, out var events) ? events : ShardProgress(shards, name));
                    }
                }

                foreach (var bar in bars.Values)
                {
                    bar.Value = bar.MaxValue;
                }

                results = await rebuild;
            });
        return results;
    }

    /// <summary>On the running service's own daemon, following its progress through GET /api/projections.</summary>
    private static async Task<IReadOnlyList<RebuildState>> RebuildOnServiceAsync(IServiceProvider services, RebuildInput input, string[] names)
    {
        var token = input.TokenFlag ?? services.GetRequiredService<DevTokens>().Mint("dev-rebuild", [Roles.Admin], TimeSpan.FromHours(1));
        using var client = new HttpClient { BaseAddress = new Uri(input.UrlFlag!) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var path = names.Length == 1 ? names[0] : "all";
        using (var started = await client.PostAsync(new Uri($"/api/projections/{Uri.EscapeDataString(path)}/rebuild", UriKind.Relative), null))
        {
            started.EnsureSuccessStatusCode();
        }

        var results = new List<RebuildState>();
        await AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async progress =>
            {
                var bars = names.ToDictionary(name => name, name => progress.AddTask(name, maxValue: 1));
                while (true)
                {
                    var status = await client.GetFromJsonAsync<ProjectionsStatus>(new Uri("/api/projections", UriKind.Relative), SampleLoader.Json);
                    var mine = status!.Projections.Where(projection => names.Contains(projection.Name)).ToList();
                    foreach (var projection in mine)
                    {
                        var bar = bars[projection.Name];
                        bar.MaxValue = Math.Max(1, projection.Rebuild?.TargetSequence ?? 1);
                        bar.Value = projection.Rebuild is { Running: false } ? bar.MaxValue : Math.Min(projection.Sequence, bar.MaxValue);
                    }

                    if (mine.All(projection => projection.Rebuild is { Running: false }))
                    {
                        results.AddRange(mine.Select(projection => projection.Rebuild!));
                        return;
                    }

                    await Task.Delay(250);
                }
            });
        return results;
    }

    private static long ShardProgress(IEnumerable<ShardState> shards, string projection) =>
        shards.Where(state => state.ShardName.StartsWith($"{projection}:", StringComparison.OrdinalIgnoreCase))
            .Select(state => state.Sequence).DefaultIfEmpty(0).Min();
}
