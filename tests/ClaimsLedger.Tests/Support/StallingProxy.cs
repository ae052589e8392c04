using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ClaimsLedger.Tests.Support;

/// <summary>
/// A TCP proxy on 127.0.0.1 in front of one upstream port, that can be told to stall: from
/// <see cref="Stall"/> until <see cref="Resume"/> it still forwards everything clients send, but swallows
/// what the upstream answers, on open connections and new ones alike, so a client hears nothing while the
/// server has done its work: a connection that dies after the request went out (kernel netem is not
/// available here). What a stall swallowed is kept, with when it started to arrive.
/// </summary>
public sealed class StallingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _upstreamPort;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _connections = [];
    private readonly Lock _gate = new();
    private readonly Task _accepting;
    private volatile StalledAnswers? _stall;

    public StallingProxy(int upstreamPort)
    {
        _upstreamPort = upstreamPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>Where clients connect.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Swallows the upstream's answers from now on; the result collects them.</summary>
    public StalledAnswers Stall()
    {
        var stall = new StalledAnswers();
        _stall = stall;
        return stall;
    }

    /// <summary>Forwards answers again.</summary>
    public void Resume() => _stall = null;

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            lock (_gate)
            {
                _connections.RemoveAll(connection => connection.IsCompleted);
                _connections.Add(ServeAsync(client));
            }
        }
    }
    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        using (var upstream = new TcpClient())
        {
            try
            {
                client.NoDelay = true;
                upstream.NoDelay = true;
                await upstream.ConnectAsync(IPAddress.Loopback, _upstreamPort, _stopping.Token);
                using var done = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
                var toUpstream = PumpAsync(client.GetStream(), upstream.GetStream(), swallow: false, done.Token);
                var toClient = PumpAsync(upstream.GetStream(), client.GetStream(), swallow: true, done.Token);
                // When either side closes, the connection is over: close both, as a middlebox would.
                await Task.WhenAny(toUpstream, toClient);
                await done.CancelAsync();
                await Task.WhenAll(toUpstream, toClient);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or IOException)
            {
                // The proxy is stopping, or the upstream is not there: the client sees its connection close.
            }
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool swallow, CancellationToken cancellation)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, cancellation)) > 0)
            {
                if (swallow && _stall is { } stall)
                {
                    stall.Add(buffer.AsSpan(0, read));
                    continue;
                }

                await to.WriteAsync(buffer.AsMemory(0, read), cancellation);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
            // One side went away.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _accepting;
        Task[] open;
        lock (_gate)
        {
            open = [.. _connections];
        }

        await Task.WhenAll(open);
        _stopping.Dispose();
        _listener.Dispose();
    }
}

/// <summary>What the upstream answered during one stall, which no client received.</summary>
public sealed class StalledAnswers
{
    private readonly Lock _gate = new();
    private readonly List<byte> _bytes = [];
    private readonly TaskCompletionSource<DateTimeOffset> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes with the moment the first swallowed byte arrived from the upstream.</summary>
    public Task<DateTimeOffset> First => _first.Task;

    /// <summary>Everything swallowed, as text (HTTP/1.1 answers are readable as they are).</summary>
    public string Text
    {
        get
        {
            lock (_gate)
            {
                return Encoding.UTF8.GetString([.. _bytes]);
            }
        }
    }

    internal void Add(ReadOnlySpan<byte> bytes)
    {
        lock (_gate)
        {
            _bytes.AddRange(bytes);
        }

        _first.TrySetResult(DateTimeOffset.UtcNow);
    }
}
