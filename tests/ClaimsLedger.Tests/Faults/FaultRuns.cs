using System.Globalization;
using System.Text.Json;

namespace ClaimsLedger.Tests.Faults;

/// <summary>
/// How many times each fault runs: once in the normal suite (CI), more as a soak with
/// <c>CLAIMSLEDGER_FAULT_RUNS=N</c>. <c>CLAIMSLEDGER_FAULT_SEED</c> replays a run's random kill points;
/// <c>CLAIMSLEDGER_FAULT_REPORT=file</c> appends one JSON line per fault for docs/reliability.md.
/// </summary>
public static class FaultRuns
{
    public static int Count { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("CLAIMSLEDGER_FAULT_RUNS"), CultureInfo.InvariantCulture, out var runs) && runs > 0 ? runs : 1;

    /// <summary>The seed of one run's random choices, fixed by the environment or fresh (and printed, to replay it).</summary>
    public static int Seed(int run) =>
        int.TryParse(Environment.GetEnvironmentVariable("CLAIMSLEDGER_FAULT_SEED"), CultureInfo.InvariantCulture, out var seed)
            ? seed + run
            : Random.Shared.Next();

    /// <summary>A fresh schema name for one run.</summary>
    public static string Schema(string fault) => $"f_{fault}_{Guid.NewGuid():N}"[..24];

    public static async Task ReportAsync(FaultReport report)
    {
        var file = Environment.GetEnvironmentVariable("CLAIMSLEDGER_FAULT_REPORT");
        if (!string.IsNullOrWhiteSpace(file))
        {
            await File.AppendAllTextAsync(file, JsonSerializer.Serialize(report) + Environment.NewLine);
        }
    }
}

/// <summary>One fault's totals over its runs.</summary>
public sealed record FaultReport(string Fault, int Runs, int Faults, int Attempted, int Acknowledged, int Lost, int Duplicated, string Detail);
