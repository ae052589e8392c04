using System.Globalization;

namespace ClaimsLedger.Bench.Harness;

/// <summary>
/// One figure of issue 9: something of ours measured next to a floor (the same work done as plainly as
/// PostgreSQL allows) in the same run on the same machine, because the machines are shared and noisy and
/// only the ratio carries from one run to the next.
/// </summary>
internal abstract class Figure : IAsyncDisposable
{
    /// <summary>"1", "2", "5": the issue's numbering.</summary>
    public abstract string Number { get; }

    public abstract string Title { get; }

    /// <summary>What ours and the floor are, for the report.</summary>
    public abstract string Description { get; }

    /// <summary>Once per bench run, before the first measurement: seed data, start processes.</summary>
    public virtual Task SetUpAsync(BenchSettings settings, CancellationToken cancellation) => Task.CompletedTask;

    /// <summary>
    /// One run of every pair this figure measures. <paramref name="floorFirst"/> alternates from run to
    /// run, so a drift of the machine's load does not always favour the same side.
    /// </summary>
    public abstract Task<IReadOnlyList<Sample>> RunOnceAsync(int run, bool floorFirst, CancellationToken cancellation);

    /// <summary>Notes measured during the runs that belong under the table (row counts, errors).</summary>
    public virtual IEnumerable<string> Notes => [];

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private readonly List<(int Run, double Others, double Ours)> _load = [];

    /// <summary>Cores busy with other work, and with this bench run's own processes, during one run (<see cref="MachineLoad"/>).</summary>
    public void RecordLoad(int run, double others, double ours) => _load.Add((run, others, ours));

    /// <summary>The median over runs of the cores other work took, or null when /proc could not say.</summary>
    public double? MedianOtherLoad => _load.Count == 0 ? null : _load.Select(load => load.Others).Order().ElementAt(_load.Count / 2);

    /// <summary>The note under the figure's table that says how busy the machine was in each run.</summary>
    public string? LoadNote(bool databaseCounted) => _load.Count == 0
        ? null
        : string.Create(CultureInfo.InvariantCulture,
            $"Cores busy in each run (of {Environment.ProcessorCount}; from /proc, run {string.Join(", ", _load.Select(load => load.Run))}): other work on the machine {string.Join(", ", _load.Select(load => load.Others.ToString("0.00", CultureInfo.InvariantCulture)))}; this harness, the services it started{(databaseCounted ? " and its PostgreSQL" : "")} {string.Join(", ", _load.Select(load => load.Ours.ToString("0.00", CultureInfo.InvariantCulture)))}.{(databaseCounted ? "" : " PostgreSQL's processes were not known to the harness (a connection string was given), so they count as other work.")}");
}

/// <summary>One metric of one run: ours, its floor, and the goal it is held to.</summary>
internal sealed record Sample(string Metric, string Unit, double Ours, double Floor, Goal? Goal = null);

/// <summary>A goal on the medians: on the ratio (ours / floor), or on ours alone (a latency bound).</summary>
internal sealed record Goal(string Text, Func<double, double, bool> Met)
{
    public static Goal RatioAtLeast(double minimum) =>
        new(string.Create(CultureInfo.InvariantCulture, $"ratio ≥ {minimum:0.##}"), (_, ratio) => ratio >= minimum);

    public static Goal RatioAtMost(double maximum) =>
        new(string.Create(CultureInfo.InvariantCulture, $"ratio ≤ {maximum:0.##}"), (_, ratio) => ratio <= maximum);

    public static Goal OursAtMost(double maximum, string unit) =>
        new(string.Create(CultureInfo.InvariantCulture, $"≤ {maximum:0.##} {unit}"), (ours, _) => ours <= maximum);
}

/// <summary>The medians of one metric over every run.</summary>
internal sealed record Result(string Figure, string Metric, string Unit, IReadOnlyList<double> Ours, IReadOnlyList<double> Floors, Goal? Goal)
{
    public double OursMedian => Stats.Median(Ours);

    public double FloorMedian => Stats.Median(Floors);

    /// <summary>
    /// The median of the per-run ratios: each run's ours over the floor measured next to it, so a run on a
    /// busier moment of the machine is compared with its own floor, not with another run's.
    /// </summary>
    public double Ratio => Stats.Median(Ours.Zip(Floors, (ours, floor) => floor == 0 ? double.NaN : ours / floor));

    public bool? Met => Goal?.Met(OursMedian, Ratio);
}

internal static class Stats
{
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>Nearest-rank percentile of a sorted array (exact: every latency is kept).</summary>
    public static double Percentile(double[] sorted, double percentile) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(sorted.Length * percentile / 100.0) - 1, 0, sorted.Length - 1)];
}
