using System.Diagnostics;
using ClaimsLedger.Tests.Support;
using Npgsql;

namespace ClaimsLedger.Tests.Faults;

/// <summary>
/// A PostgreSQL cluster of a test's own, started by the same ops/lib/postgres.sh that ops/test and ops/run use,
/// so a test can crash it (<c>pg_ctl stop -m immediate</c>) and start it again without touching the shared one.
/// </summary>
public sealed class ThrowawayCluster : IAsyncDisposable
{
    private readonly string _bin;

    private ThrowawayCluster(string dataDirectory, int port, string bin)
    {
        DataDirectory = dataDirectory;
        Port = port;
        _bin = bin;
        var database = $"Host=127.0.0.1;Port={port};Database=claimsledger";
        OwnerConnection = $"{database};Username=claimsledger_owner";
        RuntimeConnection = $"{database};Username=claimsledger_app";
        SuperuserConnection = $"{database};Username=postgres";
    }

    public string DataDirectory { get; }

    public int Port { get; }

    public string OwnerConnection { get; }

    public string RuntimeConnection { get; }

    public string SuperuserConnection { get; }

    public static async Task<ThrowawayCluster> StartAsync(string name)
    {
        var library = RepositoryFiles.Path("ops", "lib", "postgres.sh");
        var output = await RunAsync("bash", "-c",
            // ops/test exported its own cluster's PG_PORT and PG_DATA to this process: this cluster needs its own.
            "unset PG_PORT PG_DATA && source \"$1\" && pg_start \"$2\" >&2 && printf '%s\\n' \"$PG_DATA\" \"$PG_PORT\" \"$PG_BIN\"", "bash", library, name);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return new ThrowawayCluster(lines[0], int.Parse(lines[1], System.Globalization.CultureInfo.InvariantCulture), lines[2]);
    }

    /// <summary>Changes a setting cluster-wide (ALTER SYSTEM) and reloads, so new sessions start with it.</summary>
    public async Task ConfigureAsync(string setting, string value)
    {
        await using var connection = new NpgsqlConnection(SuperuserConnection);
        await connection.OpenAsync();
        await using (var alter = new NpgsqlCommand($"alter system set {setting} = '{value}'", connection))
        {
            await alter.ExecuteNonQueryAsync();
        }

        await using var reload = new NpgsqlCommand("select pg_reload_conf()", connection);
        await reload.ExecuteScalarAsync();
    }

    /// <summary>The crash stop: no checkpoint, every connection cut; recovery replays the WAL on the next start.</summary>
    public async Task CrashAsync()
    {
        await AsOwnerAsync(Path.Combine(_bin, "pg_ctl"), "-D", DataDirectory, "-m", "immediate", "-w", "stop");
        // This process's idle pooled connections died with the server: drop them rather than fail on the next use.
        foreach (var connection in new[] { OwnerConnection, RuntimeConnection, SuperuserConnection })
        {
            await using var pooled = new NpgsqlConnection(connection);
            NpgsqlConnection.ClearPool(pooled);
        }
    }

    public Task StartAgainAsync() =>
        AsOwnerAsync(Path.Combine(_bin, "pg_ctl"), "-D", DataDirectory, "-l", Path.Combine(DataDirectory, "server.log"), "-w", "-t", "60", "start");

    public async ValueTask DisposeAsync()
    {
        try
        {
            await CrashAsync();
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        Directory.Delete(DataDirectory, recursive: true);
        File.Delete($"{DataDirectory}.initdb.log");
    }

    /// <summary>PostgreSQL refuses to run as root: as root, its binaries run as the postgres user (as in ops/lib/postgres.sh).</summary>
    private static Task<string> AsOwnerAsync(string program, params string[] arguments) =>
        Environment.IsPrivilegedProcess
            ? RunAsync("runuser", ["-u", "postgres", "--", program, .. arguments])
            : RunAsync(program, arguments);

    private static async Task<string> RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(deadline.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await output}\n{await error}");
        }

        return await output;
    }
}
