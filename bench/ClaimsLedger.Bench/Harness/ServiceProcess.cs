using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ClaimsLedger.Bench.Harness;

/// <summary>
/// The service as ops/run starts it: `dotnet ClaimsLedger.dll` from its Release publish (ops/lib/app.sh: ReadyToRun), on a port of
/// its own, as the runtime role, after `setup` as the schema owner (as tests/.../Faults/ServiceProcess does).
/// </summary>
internal sealed class ServiceProcess : IAsyncDisposable
{
    public const string SigningKey = "YmVuY2gtb25seS1zaWduaW5nLWtleS1vZi0zMi1ieXRlcyEh";

    /// <summary>The throwaway ledger signing key (PEM) the service runs with, so the harness can check its checkpoints.</summary>
    public static readonly string LedgerKey = CreateLedgerKey();

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServiceProcess(Process process, Uri address)
    {
        _process = process;
        BaseAddress = address;
    }

    public Uri BaseAddress { get; }

    public int ProcessId => _process.Id;

    public static async Task SetUpAsync(string appDirectory, string ownerConnection, string schema, CancellationToken cancellation)
    {
        using var setup = Launch(appDirectory, ["setup"], Settings(ownerConnection, schema));
        var output = new StringBuilder();
        setup.OutputDataReceived += (_, line) => output.AppendLine(line.Data);
        setup.ErrorDataReceived += (_, line) => output.AppendLine(line.Data);
        setup.BeginOutputReadLine();
        setup.BeginErrorReadLine();
        await setup.WaitForExitAsync(cancellation);
        if (setup.ExitCode != 0)
        {
            throw new InvalidOperationException($"setup exited with {setup.ExitCode}:\n{output}");
        }
    }

    public static async Task<ServiceProcess> StartAsync(string appDirectory, string connection, string schema, CancellationToken cancellation)
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var process = Launch(appDirectory, ["--urls", $"http://127.0.0.1:{port}"], Settings(connection, schema));
        var service = new ServiceProcess(process, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, line) => service.Append(line.Data);
        process.ErrorDataReceived += (_, line) => service.Append(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = service.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTimeOffset.UtcNow.AddMinutes(2);
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The service exited during start-up ({process.ExitCode}):\n{service.Output}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("/health", UriKind.Relative), cancellation);
                if (response.IsSuccessStatusCode)
                {
                    return service;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(100, cancellation);
        }

        await service.DisposeAsync();
        throw new TimeoutException($"The service did not answer /health within two minutes:\n{service.Output}");
    }

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

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            if (_output.Length > 100_000)
            {
                _output.Remove(0, 50_000);
            }

            _output.AppendLine(line);
        }
    }

    internal static Dictionary<string, string> Settings(string connection, string schema) => new()
    {
        ["CLAIMSLEDGER_DB"] = connection,
        ["ClaimsLedger__Schema"] = schema,
        ["ClaimsLedger__ApplySchemaOnStart"] = "false",
        ["Auth__SigningKey"] = SigningKey,
        // The load driver writes far faster than a person: the limiter would measure itself.
        ["RateLimits__Enabled"] = "false",
        // Production, as deployed; it asks for a ledger signing key, so the run makes a throwaway one.
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["Ledger__SigningKey"] = LedgerKey,
        ["Logging__LogLevel__Default"] = "Warning",
        ["DOTNET_NOLOGO"] = "1",
    };

    private static string CreateLedgerKey()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        return key.ExportECPrivateKeyPem();
    }

    internal static Process Launch(string appDirectory, IEnumerable<string> arguments, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = appDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(appDirectory, "ClaimsLedger.dll"));
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
