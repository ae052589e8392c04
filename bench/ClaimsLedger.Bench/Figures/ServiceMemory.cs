using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using ClaimsLedger.Bench.Harness;
using ClaimsLedger.Infrastructure.Auth;

namespace ClaimsLedger.Bench.Figures;

/// <summary>
/// Figure 8: the service's working set (resident memory), sampled from /proc while it records statements over
/// HTTP with 8 clients and while it streams the whole shared large log as NDJSON. The floor is the same
/// process's idle working set just before; flatness of the export is shown against an export of a tenth of the log.
/// </summary>
internal sealed class ServiceMemory : Figure
{
    private const int Clients = 8;
    private static readonly TimeSpan SampleEvery = TimeSpan.FromMilliseconds(20);

    private BenchSettings _settings = null!;
    private BigLog? _log;
    private readonly List<string> _notes = [];

    public override string Number => "8";

    public override string Title => "Service memory: recording and exporting the large log";

    public override string Description => string.Create(CultureInfo.InvariantCulture,
        $"The service started as a process from the Release publish (as in figure 1, as the runtime role) on the shared log of {_log?.Events:N0} events, once per run; its resident set (`VmRSS` in /proc/PID/status) sampled every {SampleEvery.TotalMilliseconds:N0} ms, the peak of each phase reported in MiB. ") +
        "Floor: the idle working set, 3 s after the service answered /health, before anything else. Then one unmeasured export of the whole log (a fresh process's working set grows through its first exports whatever their size, as the GC and the JIT warm up, then levels off). Phases, in this order: " +
        string.Create(CultureInfo.InvariantCulture, $"`GET /api/events/export?throughSequence=` a tenth of the log, then the whole log, each read to the end by the harness into a null sink; then {Clients} clients recording single statements (`POST /api/statements`, closed loop as in figure 1) for {_settings?.Warmup.TotalSeconds:N0} s of warm-up and {_settings?.Duration.TotalSeconds:N0} s. ") +
        "An export that streams (constant memory) peaks at the same working set for the whole log as for a tenth of it: that ratio is held to ≤ 1.1. The export's rows come to the service at the rate PostgreSQL sends them, so a buffer that grows with the log would show here. No goal is set on the recording peak; it is shown next to the idle floor. `VmHWM` (the kernel's own peak over the process's life) is in the notes.";

    public override IEnumerable<string> Notes => _notes;

    public override async Task SetUpAsync(BenchSettings settings, CancellationToken cancellation)
    {
        _settings = settings;
        _log = await BigLog.AcquireAsync(settings, cancellation);
    }

    public override async Task<IReadOnlyList<Sample>> RunOnceAsync(int run, bool floorFirst, CancellationToken cancellation)
    {
        var log = _log!;
        await using var service = await ServiceProcess.StartAsync(log.AppDirectory, _settings.AppConnection, BigLog.Schema, cancellation);
        var tokens = new DevTokens(new AuthOptions { SigningKey = ServiceProcess.SigningKey }, TimeProvider.System);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = service.BaseAddress, Timeout = TimeSpan.FromMinutes(20) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.Mint("bench", [Roles.Recorder, Roles.Editor, Roles.Auditor], TimeSpan.FromHours(4)));

        await Task.Delay(TimeSpan.FromSeconds(3), cancellation);
        var idle = Resident(service.ProcessId).Rss;
        var last = await log.ScalarAsync($"select coalesce(max(seq_id), 0) from {BigLog.Schema}.mt_events", cancellation);

        // One unmeasured export of the whole log first. A fresh process's working set grows through its first exports
        // whatever their size, by what the GC commits for the framework's per-send garbage before it first collects and
        // by the code the JIT compiles, and then levels off; the live managed heap stays a few MiB
        // (docs/benchmarks-history.md, 2026-12-05, figure 8). Without this pass the comparison below weighed that
        // warm-up, not what an export holds: a buffer that grew with the log would still grow here, by hundreds of MiB.
        var (warmPeak, _, _) = await PeakWhileAsync(service.ProcessId, () => ExportAsync(http, null, cancellation), cancellation);
        var (tenthPeak, tenthLines, tenthSeconds) = await PeakWhileAsync(service.ProcessId, () => ExportAsync(http, last / 10, cancellation), cancellation);
        var (fullPeak, fullLines, fullSeconds) = await PeakWhileAsync(service.ProcessId, () => ExportAsync(http, null, cancellation), cancellation);
        var recordingPeak = await PeakWhileAsync(service.ProcessId, async () =>
        {
            var result = await LoadDriver.RunAsync(Clients, _settings.Warmup, _settings.Duration, (client, sequence, token) => RecordAsync(http, run, client, sequence, token), cancellation);
            return (result.Completed, result.Failed, result.PerSecond);
        }, cancellation);
        var hwm = Resident(service.ProcessId).Hwm;

        // Let the service's own agents apply what it recorded before it stops, so the views and the ledger are
        // whole for the next figures.
        await log.WaitForShardAsync($"{Statements.Configuration.HistoryProjection}:All", TimeSpan.FromMinutes(5), cancellation);
        await log.WaitForShardAsync($"{Ledger.LedgerSubscription.SubscriptionName}:All", TimeSpan.FromMinutes(5), cancellation);

        _notes.Add(string.Create(CultureInfo.InvariantCulture,
            $"Run {run}: idle {idle:N0} MiB; the unmeasured first export of the whole log peaked at {warmPeak:N0} MiB; export of {tenthLines.Lines:N0} events ({tenthLines.Bytes / 1048576.0:N0} MiB) in {tenthSeconds:N1} s peaked at {tenthPeak:N0} MiB; ") +
            string.Create(CultureInfo.InvariantCulture,
            $"export of {fullLines.Lines:N0} events ({fullLines.Bytes / 1048576.0:N0} MiB, {fullLines.Lines / fullSeconds:N0} events/s) in {fullSeconds:N1} s peaked at {fullPeak:N0} MiB; ") +
            string.Create(CultureInfo.InvariantCulture,
            $"recording with {Clients} clients ({recordingPeak.Result.Completed:N0} statements in the window, {recordingPeak.Result.PerSecond:N0}/s, {recordingPeak.Result.Failed:N0} failed) peaked at {recordingPeak.Peak:N0} MiB; VmHWM at the end {hwm:N0} MiB."));

        return
        [
            new Sample("peak working set, exporting the whole log (floor: idle)", "MiB", fullPeak, idle),
            new Sample("peak working set, exporting the whole log (floor: a tenth of it)", "MiB", fullPeak, tenthPeak, Goal.RatioAtMost(1.1)),
            new Sample($"peak working set, recording with {Clients} clients (floor: idle)", "MiB", recordingPeak.Peak, idle),
        ];
    }

    private static async Task<(double Peak, T Result, double Seconds)> PeakWhileAsync<T>(int processId, Func<Task<T>> work, CancellationToken cancellation)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var peak = 0.0;
        var sampler = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(SampleEvery);
            do
            {
                peak = Math.Max(peak, Resident(processId).Rss);
            }
            while (await timer.WaitForNextTickAsync(stop.Token).AsTask().ContinueWith(task => !task.IsCanceled && task.Result, TaskScheduler.Default));
        }, CancellationToken.None);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = await work();
        watch.Stop();
        await stop.CancelAsync();
        await sampler;
        peak = Math.Max(peak, Resident(processId).Rss);
        return (peak, result, watch.Elapsed.TotalSeconds);
    }

    /// <summary>VmRSS and VmHWM of the process, in MiB.</summary>
    private static (double Rss, double Hwm) Resident(int processId)
    {
        double rss = 0, hwm = 0;
        foreach (var line in File.ReadLines($"/proc/{processId}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kilobytes(line) / 1024.0;
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                hwm = Kilobytes(line) / 1024.0;
            }
        }

        return (rss, hwm);

        static long Kilobytes(string line) => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    private static async Task<CountingStream> ExportAsync(HttpClient http, long? through, CancellationToken cancellation)
    {
        var url = through is null ? "/api/events/export" : string.Create(CultureInfo.InvariantCulture, $"/api/events/export?throughSequence={through}");
        using var response = await http.GetAsync(new Uri(url, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cancellation);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET {url} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellation)}");
        }

        var sink = new CountingStream();
        await using var body = await response.Content.ReadAsStreamAsync(cancellation);
        await body.CopyToAsync(sink, 64 * 1024, cancellation);
        return sink;
    }

    private async Task<string?> RecordAsync(HttpClient http, int run, int client, long sequence, CancellationToken cancellation)
    {
        var day = new DateOnly(2016, 1, 1).AddDays((int)((client * 7919L + sequence * 104729L) % 366));
        var body = new
        {
            speakerId = _log!.FirstSpeaker,
            quote = string.Create(CultureInfo.InvariantCulture, $"We are assessing options, memory run {run}, statement {client}-{sequence}."),
            kind = "partial",
            statedAt = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            topicIds = new[] { _log.FirstTopic },
            source = new { outlet = "i-HLS", url = string.Create(CultureInfo.InvariantCulture, $"https://i-hls.com/memory/{run}/{client}/{sequence}") },
        };
        using var response = await http.PostAsJsonAsync(new Uri("/api/statements", UriKind.Relative), body, cancellation);
        var text = await response.Content.ReadAsStringAsync(cancellation);
        return response.StatusCode == HttpStatusCode.Created ? null : $"{(int)response.StatusCode}: {text[..Math.Min(text.Length, 300)]}";
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_log is not null)
        {
            await BigLog.ReleaseAsync();
        }
    }
}
