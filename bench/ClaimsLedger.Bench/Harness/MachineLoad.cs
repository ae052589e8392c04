using System.Globalization;

namespace ClaimsLedger.Bench.Harness;

/// <summary>The machine's CPU time and the part of it this bench run's own processes used, at one moment.</summary>
internal readonly record struct CpuSnapshot(double BusySeconds, double ElapsedSeconds, double OursSeconds);

/// <summary>
/// How much of the cores other work took while a figure ran. A floor measured beside ours absorbs a steady load, but
/// not a burst that lands on one side; the report shows the share so that a reader can tell a slow run from a busy
/// machine. Read from /proc: the machine's busy time (<c>/proc/stat</c>: user, nice, system, irq, softirq and steal,
/// the last being time the hypervisor gave to other guests) less the CPU of this process, its children (the service
/// processes it starts) and the throwaway PostgreSQL's postmaster and backends (<c>PG_DATA</c>, set by bench/run).
/// Children that ended are counted through their parent's <c>cutime</c>/<c>cstime</c>, which the kernel adds once
/// they are reaped.
/// </summary>
internal static class MachineLoad
{
    private const double TicksPerSecond = 100; // USER_HZ, 100 on every Linux the bench runs on.

    public static CpuSnapshot? Take()
    {
        if (!File.Exists("/proc/stat"))
        {
            return null;
        }

        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // cpu user nice system idle iowait irq softirq steal ...
        double Field(int index) => index < cpu.Length ? double.Parse(cpu[index], CultureInfo.InvariantCulture) : 0;
        var busy = Field(1) + Field(2) + Field(3) + Field(6) + Field(7) + Field(8);
        var all = busy + Field(4) + Field(5);

        var processes = ReadProcesses();
        var roots = new HashSet<int> { Environment.ProcessId };
        var postmaster = Postmaster();
        if (postmaster is { } pid)
        {
            roots.Add(pid);
        }

        var ours = 0.0;
        var children = processes.Values.ToLookup(process => process.ParentId);
        var pending = new Stack<int>(roots);
        var seen = new HashSet<int>();
        while (pending.Count > 0)
        {
            var next = pending.Pop();
            if (!seen.Add(next) || !processes.TryGetValue(next, out var process))
            {
                continue;
            }

            ours += process.OwnTicks + process.ReapedChildrenTicks;
            foreach (var child in children[next])
            {
                pending.Push(child.Id);
            }
        }

        var processors = Environment.ProcessorCount;
        return new CpuSnapshot(busy / TicksPerSecond, all / TicksPerSecond / processors, ours / TicksPerSecond);
    }

    /// <summary>"other work 0.12 cores, this run 1.62" between two snapshots, or null when /proc is not there.</summary>
    public static (double Others, double Ours)? CoresBetween(CpuSnapshot? start, CpuSnapshot? end)
    {
        if (start is not { } from || end is not { } to || to.ElapsedSeconds <= from.ElapsedSeconds)
        {
            return null;
        }

        var elapsed = to.ElapsedSeconds - from.ElapsedSeconds;
        var ours = (to.OursSeconds - from.OursSeconds) / elapsed;
        var others = Math.Max(0, (to.BusySeconds - from.BusySeconds) / elapsed - ours);
        return (others, ours);
    }

    private sealed record ProcessTimes(int Id, int ParentId, double OwnTicks, double ReapedChildrenTicks);

    private static Dictionary<int, ProcessTimes> ReadProcesses()
    {
        var processes = new Dictionary<int, ProcessTimes>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                continue;
            }

            try
            {
                // The command name in parentheses may hold spaces; the fields that follow it are fixed.
                var text = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
                // state ppid ... utime(11) stime(12) cutime(13) cstime(14), counted from the state.
                double Ticks(int index) => double.Parse(fields[index], CultureInfo.InvariantCulture);
                processes[id] = new ProcessTimes(id, int.Parse(fields[1], CultureInfo.InvariantCulture), Ticks(11) + Ticks(12), Ticks(13) + Ticks(14));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                // The process ended while the directory was read, or is not ours to read.
            }
        }

        return processes;
    }

    /// <summary>Whether PostgreSQL's processes are counted as this run's (bench/run started the cluster).</summary>
    public static bool DatabaseCounted => Postmaster() is not null;

    /// <summary>The throwaway cluster's postmaster (first line of postmaster.pid), when bench/run started one.</summary>
    private static int? Postmaster()
    {
        var data = Environment.GetEnvironmentVariable("PG_DATA");
        if (string.IsNullOrEmpty(data))
        {
            return null;
        }

        try
        {
            var first = File.ReadLines(Path.Combine(data, "postmaster.pid")).FirstOrDefault();
            return int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
