using System.Diagnostics;

namespace ClaimsLedger.Bench.Harness;

/// <summary>What a closed-loop load of N clients did inside the measured window.</summary>
internal sealed record LoadResult(int Clients, TimeSpan Window, long Completed, long Failed, long Issued, double[] LatenciesMs, string? FirstFailure)
{
    public double PerSecond => Completed / Window.TotalSeconds;

    public double P50 => Stats.Percentile(LatenciesMs, 50);

    public double P99 => Stats.Percentile(LatenciesMs, 99);
}

/// <summary>
/// N clients, each issuing its next operation as soon as the last one answered, for a warm-up and then a
/// fixed window. Counted and timed are the operations that complete inside the window; every latency is
/// kept (a sorted array: exact percentiles, no histogram buckets).
/// </summary>
internal static class LoadDriver
{
    /// <param name="operation">(client, sequence within the client) to success, or a failure description.</param>
    public static async Task<LoadResult> RunAsync(
        int clients, TimeSpan warmup, TimeSpan window, Func<int, long, CancellationToken, Task<string?>> operation, CancellationToken cancellation)
    {
        var start = Stopwatch.GetTimestamp();
        var from = start + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        var until = from + (long)(window.TotalSeconds * Stopwatch.Frequency);
        var perClient = new List<double>[clients];
        var failed = new long[clients];
        var issued = new long[clients];
        string? firstFailure = null;
        var tasks = Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            var latencies = perClient[client] = new List<double>(16384);
            for (long sequence = 0; Stopwatch.GetTimestamp() < until && !cancellation.IsCancellationRequested; sequence++)
            {
                var began = Stopwatch.GetTimestamp();
                string? failure;
                try
                {
                    failure = await operation(client, sequence, cancellation);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    failure = exception.GetType().Name + ": " + exception.Message;
                }

                var ended = Stopwatch.GetTimestamp();
                issued[client]++;
                if (ended < from || ended >= until)
                {
                    continue;
                }

                if (failure is null)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(began, ended).TotalMilliseconds);
                }
                else
                {
                    failed[client]++;
                    Interlocked.CompareExchange(ref firstFailure, failure, null);
                }
            }
        }, cancellation)).ToArray();
        await Task.WhenAll(tasks);
        var all = perClient.SelectMany(list => list).ToArray();
        Array.Sort(all);
        return new LoadResult(clients, window, all.Length, failed.Sum(), issued.Sum(), all, firstFailure);
    }
}
