using System.Globalization;
using System.Text;

namespace ClaimsLedger.Bench.Harness;

/// <summary>Writes docs/benchmarks.md from one run of the harness.</summary>
internal static class Report
{
    public static async Task WriteAsync(
        BenchSettings settings, IReadOnlyList<Figure> figures, IReadOnlyList<Result> results,
        IReadOnlyList<(string Name, string Value)> postgres, TimeSpan elapsed)
    {
        var invariant = CultureInfo.InvariantCulture;
        var report = new StringBuilder();
        report.AppendLine("# Benchmarks").AppendLine();
        report.AppendLine("Written by `bench/run` (issue 9); every figure below was measured by the code in `bench/` in the run described here, nothing is estimated. " +
                          "The machines are shared and noisy, so each figure is measured next to a *floor*: the same work done as plainly as PostgreSQL allows, " +
                          "in the same run on the same machine. The ratio is the median of the per-run ratios (each run's ours over the floor measured next to it); it is what carries from one run to the next, the absolute numbers do not.").AppendLine();
        report.AppendLine(invariant, $"Command: `{settings.Command}` ({settings.Runs} run{(settings.Runs == 1 ? "" : "s")} of each pair, interleaved, " +
                                     $"the floor first on every other run; seed {settings.Seed}; whole run {elapsed.TotalMinutes:N1} min).").AppendLine();
        report.AppendLine(invariant, $"Measured: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC.").AppendLine();
        report.AppendLine("## Machine").AppendLine();
        report.AppendLine(invariant, $"{Machine.Describe()}. The load driver, the service and PostgreSQL share these cores, and the machine may be shared with other work (hence the floors).").AppendLine();
        report.AppendLine("PostgreSQL, a throwaway cluster started by `bench/run` (`SHOW`):").AppendLine();
        report.AppendLine("| Setting | Value |");
        report.AppendLine("|---|---|");
        foreach (var (name, value) in postgres)
        {
            report.AppendLine(invariant, $"| {name} | {value} |");
        }

        report.AppendLine();
        report.AppendLine("`pg_test_fsync -s 1` on the cluster's disk (what a commit with fsync would cost here; the throwaway cluster runs with fsync off, " +
                          "synchronous_commit on, so a commit waits for its WAL write but not for the disk):").AppendLine();
        report.AppendLine("```");
        report.Append(Machine.FsyncSummary());
        report.AppendLine("```").AppendLine();
        report.AppendLine("## Summary").AppendLine();
        AppendTable(report, results);
        var loads = figures.Where(figure => figure.MedianOtherLoad is not null).ToList();
        if (loads.Count > 0)
        {
            report.AppendLine().AppendLine(
                string.Create(invariant, $"Cores of {Environment.ProcessorCount} busy with other work on the machine while each figure ran (median over its runs; each figure's notes give every run): ") +
                string.Join(", ", loads.Select(figure => string.Create(invariant, $"figure {figure.Number} {figure.MedianOtherLoad:0.00}"))) +
                ". A figure measured while other work took a large share is slower on both sides, and its latencies more than its ratios.");
        }

        report.AppendLine();

        foreach (var figure in figures)
        {
            report.AppendLine(invariant, $"## Figure {figure.Number}: {figure.Title}").AppendLine();
            report.AppendLine(figure.Description).AppendLine();
            AppendTable(report, results.Where(result => result.Figure == figure.Number).ToList(), perRun: true);
            foreach (var note in figure.Notes)
            {
                report.AppendLine(invariant, $"- {note}");
            }

            if (figure.LoadNote(MachineLoad.DatabaseCounted) is { } load)
            {
                report.AppendLine(invariant, $"- {load}");
            }

            report.AppendLine();
        }

        AppendHistory(report, settings.RepositoryRoot);
        await File.WriteAllTextAsync(Path.Combine(settings.RepositoryRoot, settings.Output), report.ToString());
    }

    /// <summary>
    /// docs/benchmarks-history.md (each change's before and after, and the profiles behind the goals not met),
    /// carried into every report so the figures above are read next to what was done about them.
    /// </summary>
    private static void AppendHistory(StringBuilder report, string root)
    {
        var history = Path.Combine(root, "docs", "benchmarks-history.md");
        if (!File.Exists(history))
        {
            return;
        }

        report.AppendLine("# Before and after, and why goals are not met").AppendLine();
        report.AppendLine("Copied from [benchmarks-history.md](benchmarks-history.md) when this report was written: each change measured before and after it, and the profiles that say what a goal not met would take.").AppendLine();
        foreach (var line in File.ReadLines(history).SkipWhile(line => !line.StartsWith("## ", StringComparison.Ordinal)))
        {
            report.AppendLine(line.StartsWith('#') ? "#" + line : line);
        }
    }

    private static void AppendTable(StringBuilder report, IReadOnlyList<Result> results, bool perRun = false)
    {
        var invariant = CultureInfo.InvariantCulture;
        report.AppendLine(perRun
            ? "| Metric | Ours (median) | Floor (median) | Ratio (median of runs) | Goal | Met | Ours per run | Floor per run | Ratio per run |"
            : "| Figure | Metric | Ours (median) | Floor (median) | Ratio (median of runs) | Goal | Met |");
        report.AppendLine(perRun ? "|---|---:|---:|---:|---|---|---|---|---|" : "|---|---|---:|---:|---:|---|---|");
        foreach (var result in results)
        {
            var met = result.Met switch { true => "yes", false => "**no**", null => "" };
            var common = string.Create(invariant, $"{result.Metric} | {Format(result.OursMedian)} {result.Unit} | {Format(result.FloorMedian)} {result.Unit} | {result.Ratio:N2} | {result.Goal?.Text} | {met}");
            if (perRun)
            {
                report.AppendLine(invariant, $"| {common} | {string.Join(", ", result.Ours.Select(Format))} | {string.Join(", ", result.Floors.Select(Format))} | {string.Join(", ", result.Ours.Zip(result.Floors, (ours, floor) => (ours / floor).ToString("N2", invariant)))} |");
            }
            else
            {
                report.AppendLine(invariant, $"| {result.Figure} | {common} |");
            }
        }

        report.AppendLine();
    }

    private static string Format(double value) =>
        value.ToString(Math.Abs(value) >= 100 ? "N0" : Math.Abs(value) >= 10 ? "N1" : "N2", CultureInfo.InvariantCulture);
}
