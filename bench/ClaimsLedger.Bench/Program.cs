using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using ClaimsLedger.Bench.Figures;
using ClaimsLedger.Bench.Harness;

// Issue 9's harness: every figure next to its floor, in the same run on the same machine. bench/run starts a
// throwaway PostgreSQL, runs pg_test_fsync on its disk, then this, which writes docs/benchmarks.md.
var settings = BenchSettings.FromArgs(args);
var watch = Stopwatch.StartNew();
Figure[] all = [new RecordingOverHttp(), new BatchImport(), new ProjectionRebuild(), new DashboardReads(), new TimeTravel(), new LedgerVerify(), new ColdStart(), new ServiceMemory()];
var figures = all.Where(figure => settings.Only is null || settings.Only.Contains(figure.Number)).ToList();
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

try
{
    foreach (var figure in figures)
    {
        Console.WriteLine($"[figure {figure.Number}] setting up: {figure.Title}");
        await figure.SetUpAsync(settings, cancel.Token);
    }

    var samples = new List<(string Figure, Sample Sample)>();
    for (var run = 1; run <= settings.Runs; run++)
    {
        foreach (var figure in figures)
        {
            var floorFirst = run % 2 == 0;
            Console.WriteLine($"[figure {figure.Number}] run {run}/{settings.Runs}{(floorFirst ? " (floor first)" : "")}");
            // What the last figure wrote (figures 2 and 3 write hundreds of MB) goes to the disk now, not when the kernel's
            // flusher finds it 30 s old in the middle of the next figure's load.
            await WriteBackAsync(cancel.Token);
            var before = MachineLoad.Take();
            var runSamples = await figure.RunOnceAsync(run, floorFirst, cancel.Token);
            if (MachineLoad.CoresBetween(before, MachineLoad.Take()) is var (others, ours))
            {
                figure.RecordLoad(run, others, ours);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  cores busy: other work {others:0.00}, this run {ours:0.00}"));
            }

            // What a figure let go of (floors' payloads, clients, stores) is collected here, between figures, so that the
            // driver of the next figure does not pay for it in a collection in the middle of its load.
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            foreach (var sample in runSamples)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {sample.Metric}: ours {sample.Ours:N2} {sample.Unit}, floor {sample.Floor:N2} {sample.Unit}, ratio {sample.Ours / sample.Floor:N2}"));
                samples.Add((figure.Number, sample));
            }
        }
    }

    var results = samples
        .GroupBy(entry => (entry.Figure, entry.Sample.Metric))
        .Select(group => new Result(group.Key.Figure, group.Key.Metric, group.First().Sample.Unit,
            [.. group.Select(entry => entry.Sample.Ours)], [.. group.Select(entry => entry.Sample.Floor)], group.First().Sample.Goal))
        .ToList();
    var postgres = await Machine.PostgresSettingsAsync(settings.OwnerConnection);
    await Report.WriteAsync(settings, figures, results, postgres, watch.Elapsed);
    Console.WriteLine($"Wrote {settings.Output} in {watch.Elapsed.TotalMinutes:N1} min");
    return 0;
}
finally
{
    foreach (var figure in figures)
    {
        await figure.DisposeAsync();
    }
}

static async Task WriteBackAsync(CancellationToken cancellation)
{
    using var sync = Process.Start(new ProcessStartInfo("sync") { UseShellExecute = false }) ?? throw new InvalidOperationException("Could not start sync.");
    await sync.WaitForExitAsync(cancellation);
}
