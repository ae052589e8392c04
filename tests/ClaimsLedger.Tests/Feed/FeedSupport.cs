using System.Net.Http.Headers;
using System.Text.Json;
using Alba;
using ClaimsLedger.Feed;
using ClaimsLedger.Positions;
using ClaimsLedger.Tests.Support;
using Shouldly;

namespace ClaimsLedger.Tests.Feed;

/// <summary>Reading the live feed from a test: its messages, and its server-sent events over HTTP.</summary>
public static class FeedSupport
{
    /// <summary>How long a test waits for a message that should come: the daemon, the outbox and the local queue all lie between.</summary>
    public static readonly TimeSpan Patience = AppFixture.ProjectionCatchUp;

    /// <summary>The next change the subscription receives, or a failure after <see cref="Patience"/>.</summary>
    public static async Task<PositionChanged> NextAsync(this FeedSubscription subscription)
    {
        using var timeout = new CancellationTokenSource(Patience);
        try
        {
            return await subscription.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new ShouldAssertException($"No position change arrived within {Patience}.");
        }
    }

    /// <summary>Opens the SSE stream as a browser's EventSource would, and returns once the headers have come.</summary>
    public static async Task<HttpResponseMessage> OpenAsync(IAlbaHost host, string url, string token, CancellationToken cancellation)
    {
        var client = host.Server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellation);
    }

    /// <summary>Reads server-sent events off a stream: (event type, data) pairs; comments come as ("comment", text).</summary>
    public static async IAsyncEnumerable<(string Event, string Data)> EventsAsync(
        this StreamReader reader, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellation)
    {
        string? type = null;
        var data = new List<string>();
        while (await reader.ReadLineAsync(cancellation) is { } line)
        {
            if (line.Length == 0)
            {
                if (type is not null || data.Count > 0)
                {
                    yield return (type ?? "message", string.Join('\n', data));
                }

                (type, data) = (null, []);
            }
            else if (line.StartsWith(':'))
            {
                yield return ("comment", line[1..].Trim());
            }
            else if (line.StartsWith("event:", StringComparison.Ordinal))
            {
                type = line["event:".Length..].Trim();
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                data.Add(line["data:".Length..].TrimStart());
            }
        }
    }

    public static PositionChanged Parse(string data) => JsonSerializer.Deserialize<PositionChanged>(data, Json.Options)!;
}
