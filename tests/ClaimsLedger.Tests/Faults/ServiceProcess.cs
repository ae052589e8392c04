using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Tests.Support;

namespace ClaimsLedger.Tests.Faults;

/// <summary>
/// The service as an operating-system process, started as ops/run starts it, so a test can kill it with
/// SIGKILL the way a crash, an OOM kill or a pulled plug would, and start it again on the same port.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServiceProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
    }

    public int Port { get; }

    public Uri BaseAddress { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>What the process wrote to standard output and error, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// The service's build output in the configuration the tests were built in (ops/run starts a ReadyToRun publish of
    /// the same code; the faults are about processes and the database, not about how fast the code starts).
    /// </summary>
    public static string AppDirectory { get; } = RepositoryFiles.Path(
        "src", "ClaimsLedger", "bin", AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}",
            StringComparison.Ordinal) ? "Release" : "Debug", "net10.0");

    /// <summary>Tokens the service accepts: signed with the key it is started with.</summary>
    public static DevTokens Tokens { get; } = new(new AuthOptions { SigningKey = AppFixture.TestSigningKey }, TimeProvider.System);

    /// <summary>
    /// A free port below Linux's ephemeral range (32768-60999): a killed service is restarted on the same port,
    /// and there the test's own outgoing connections could take it in the meantime.
    /// </summary>
    public static int FreePort()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(20_000, 32_000);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken: try another.
            }
        }

        throw new InvalidOperationException("No free port between 20000 and 32000.");
    }

    /// <summary>Runs the setup command as the schema owner, as ops/run does before it starts the service.</summary>
    public static async Task SetUpAsync(string ownerConnection, string schema)
    {
        var setup = Launch(["setup"], Environment(ownerConnection, schema, null));
        var output = new StringBuilder();
        setup.OutputDataReceived += (_, line) => output.AppendLine(line.Data);
        setup.ErrorDataReceived += (_, line) => output.AppendLine(line.Data);
        setup.BeginOutputReadLine();
        setup.BeginErrorReadLine();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await setup.WaitForExitAsync(deadline.Token);
        if (setup.ExitCode != 0)
        {
            throw new InvalidOperationException($"setup exited with {setup.ExitCode}:\n{output}");
        }
    }

    /// <summary>Starts the service as the runtime role and waits until it answers /health.</summary>
    public static async Task<ServiceProcess> StartAsync(
        string connection, string schema, int? port = null, IReadOnlyDictionary<string, string>? settings = null)
    {
        var chosen = port ?? FreePort();
        var process = Launch(["--urls", $"http://127.0.0.1:{chosen}"], Environment(connection, schema, settings));
        var service = new ServiceProcess(process, chosen);
        process.OutputDataReceived += (_, line) => service.Append(line.Data);
        process.ErrorDataReceived += (_, line) => service.Append(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await service.WaitUntilHealthyAsync();
        return service;
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing, in-flight requests cut off mid-way.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            // `dotnet ClaimsLedger.dll` runs the service in this very process: no tree to walk, so the signal lands at once.
            _process.Kill();
        }

        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private async Task WaitUntilHealthyAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTimeOffset.UtcNow.AddMinutes(2);
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The service exited during start-up ({_process.ExitCode}):\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync("/health");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await poll.WaitForNextTickAsync();
        }

        throw new TimeoutException($"The service did not answer /health within two minutes:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            // The tail is what explains a failure; keep memory bounded over long soak runs.
            if (_output.Length > 200_000)
            {
                _output.Remove(0, 100_000);
            }

            _output.AppendLine(line);
        }
    }

    private static Dictionary<string, string> Environment(string connection, string schema, IReadOnlyDictionary<string, string>? settings)
    {
        var environment = new Dictionary<string, string>
        {
            ["CLAIMSLEDGER_DB"] = connection,
            ["ClaimsLedger__Schema"] = schema,
            ["ClaimsLedger__ApplySchemaOnStart"] = "false",
            ["Auth__SigningKey"] = AppFixture.TestSigningKey,
            // The clients here write far faster than a person; the limiter has tests of its own.
            ["RateLimits__Enabled"] = "false",
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Logging__LogLevel__Default"] = "Warning",
            ["DOTNET_NOLOGO"] = "1",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        return environment;
    }

    private static Process Launch(IEnumerable<string> arguments, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            // From the build output, so the service finds its appsettings.json (as ops/run does).
            WorkingDirectory = AppDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppDirectory, "ClaimsLedger.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return Process.Start(start) ?? throw new InvalidOperationException("Could not start dotnet.");
    }
}
