using System.Diagnostics;

namespace ClaimsLedger.Bench.Harness;

/// <summary>What an open-loop load at a fixed rate did with the requests scheduled inside the measured window.</summary>
/// <param name="LatenciesMs">From each request's scheduled send time to its answer read, sorted (exact percentiles).</param>
/// <param name="SendLagsMs">How late the driver itself sent each request after its scheduled time, sorted.</param>
internal sealed record OpenLoopResult(double Rate, TimeSpan Window, long Scheduled, long Failed, double[] LatenciesMs, double[] SendLagsMs, string? FirstFailure)
{
    public double P50 => Stats.Percentile(LatenciesMs, 50);

    public double P99 => Stats.Percentile(LatenciesMs, 99);

    public double SendLagP99 => Stats.Percentile(SendLagsMs, 99);
}

/// <summary>
/// Requests issued on a fixed schedule (one every 1/rate s) whether or not earlier ones have answered, for a
/// warm-up and then a fixed window. Latency runs from the scheduled send time, not the actual one: a service
/// (or a driver) that falls behind makes every later request wait, and that wait is counted rather than hidden
/// (no coordinated omission). Counted are the requests scheduled inside the window, answered or not.
/// </summary>
internal static class OpenLoopDriver
{
    /// <param name="operation">The sequence number to success, or a failure description.</param>
    public static async Task<OpenLoopResult> RunAsync(
        double rate, TimeSpan warmup, TimeSpan window, Func<long, CancellationToken, Task<string?>> operation, CancellationToken cancellation)
    {
        var interval = Stopwatch.Frequency / rate;
        var total = (long)Math.Round((warmup + window).TotalSeconds * rate);
        var firstMeasured = (long)Math.Round(warmup.TotalSeconds * rate);
        var latencies = new double[total - firstMeasured];
        var lags = new double[total - firstMeasured];
        var failed = 0L;
        string? firstFailure = null;
        var requests = new List<Task>((int)total);
        var start = Stopwatch.GetTimestamp();
        for (long sequence = 0; sequence < total && !cancellation.IsCancellationRequested; sequence++)
        {
            var scheduled = start + (long)(sequence * interval);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), scheduled);
            if (wait > TimeSpan.FromMilliseconds(2))
            {
                // Sleep most of the way, then spin the last stretch: timers are only about a millisecond precise.
                await Task.Delay(wait - TimeSpan.FromMilliseconds(1), cancellation);
            }

            while (Stopwatch.GetTimestamp() < scheduled)
            {
                Thread.SpinWait(20);
            }

            var index = sequence - firstMeasured;
            var sent = Stopwatch.GetTimestamp();
            requests.Add(Task.Run(async () =>
            {
                string? failure;
                try
                {
                    failure = await operation(sequence, cancellation);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    failure = exception.GetType().Name + ": " + exception.Message;
                }

                if (index < 0)
                {
                    return;
                }

                latencies[index] = Stopwatch.GetElapsedTime(scheduled, Stopwatch.GetTimestamp()).TotalMilliseconds;
                lags[index] = Stopwatch.GetElapsedTime(scheduled, sent).TotalMilliseconds;
                if (failure is not null)
                {
                    Interlocked.Increment(ref failed);
                    Interlocked.CompareExchange(ref firstFailure, failure, null);
                }
            }, cancellation));
        }

        await Task.WhenAll(requests);
        // A failed request keeps its latency: an error answered fast must not make the percentiles look better.
        Array.Sort(latencies);
        Array.Sort(lags);
        return new OpenLoopResult(rate, window, latencies.Length, failed, latencies, lags, firstFailure);
    }
}
