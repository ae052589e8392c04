using System.Globalization;
using System.Text;
using Npgsql;

namespace ClaimsLedger.Bench.Harness;

/// <summary>Where the figures were measured: the machine, PostgreSQL's settings that move them, and pg_test_fsync.</summary>
internal static class Machine
{
    public static readonly string[] Settings = ["server_version", "fsync", "synchronous_commit", "full_page_writes", "wal_level", "shared_buffers", "max_connections"];

    public static string Describe()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(line => line.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        var memory = File.Exists("/proc/meminfo")
            ? File.ReadLines("/proc/meminfo").First().Split(':', 2)[1].Trim()
            : "?";
        return string.Create(CultureInfo.InvariantCulture,
            $"{cpu ?? "unknown CPU"}, {Environment.ProcessorCount} cores, {memory} RAM, .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
    }

    public static async Task<IReadOnlyList<(string Name, string Value)>> PostgresSettingsAsync(string connection)
    {
        var values = new List<(string, string)>();
        await using var data = NpgsqlDataSource.Create(connection);
        await using var open = await data.OpenConnectionAsync();
        foreach (var name in Settings)
        {
            await using var show = new NpgsqlCommand($"show {name}", open);
            values.Add((name, (string)(await show.ExecuteScalarAsync())!));
        }

        return values;
    }

    /// <summary>The lines of pg_test_fsync's output that carry a rate (bench/run runs it and passes the file).</summary>
    public static string FsyncSummary()
    {
        var path = Environment.GetEnvironmentVariable("PG_TEST_FSYNC_OUT");
        if (path is null || !File.Exists(path))
        {
            return "pg_test_fsync was not run (bench/run runs it when it starts its own cluster).";
        }

        var summary = new StringBuilder();
        foreach (var line in File.ReadLines(path))
        {
            if (line.Contains("ops/sec", StringComparison.Ordinal) || line.TrimStart().StartsWith("Compare", StringComparison.Ordinal) ||
                line.Contains("sync_method", StringComparison.Ordinal) || line.Contains("open_datasync", StringComparison.Ordinal) && !line.Contains("ops/sec", StringComparison.Ordinal))
            {
                summary.AppendLine(line.TrimEnd());
            }
        }

        return summary.ToString();
    }
}
