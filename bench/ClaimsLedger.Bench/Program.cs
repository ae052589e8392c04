using System.Diagnostics;
using System.Globalization;
using System.Text;
using Alba;
using ClaimsLedger.Auditing;
using EventLog = ClaimsLedger.Auditing.EventLog;
using ClaimsLedger.Infrastructure;
using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Organizations;
using ClaimsLedger.Speakers;
using ClaimsLedger.Statements;
using ClaimsLedger.Topics;
using Marten;
using Marten.Events;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;

// Time travel on a long history (issue 3): one speaker with N assessed statements on one topic,
// recorded over N/100 simulated days. Reads the position timeline now, knownAt the middle of the
// recording period, asOf the middle of the stated period, and both; reports medians and the ratio to
// the current view. Run it with bench/run, which starts a throwaway PostgreSQL and writes the report.
internal static class TimeTravelBench
{
    public static async Task<int> Main()
    {
        var statements = int.Parse(Arg("--statements", "10000"), CultureInfo.InvariantCulture);
        var iterations = int.Parse(Arg("--iterations", "30"), CultureInfo.InvariantCulture);
        var output = Arg("--out", "docs/benchmarks.md");
        var connection = Environment.GetEnvironmentVariable("CLAIMSLEDGER_DB") ?? throw new InvalidOperationException("Set CLAIMSLEDGER_DB (bench/run does).");

        // The host's content root: the service project in this repository.
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "ClaimsLedger.sln")))
        {
            root = root.Parent;
        }

        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_CLAIMSLEDGER", Path.Combine(root!.FullName, "src", "ClaimsLedger"));
        var clock = new SettableTime(DateTimeOffset.Parse("2016-01-01T00:00:00Z", CultureInfo.InvariantCulture));
        await using var host = await AlbaHost.For<LedgerClock>(builder =>
        {
            builder.UseSetting("CLAIMSLEDGER_DB", connection);
            builder.UseSetting("ClaimsLedger:Schema", "bench");
            builder.UseSetting("RateLimits:Enabled", "false");
            builder.UseSetting("Auth:SigningKey", Convert.ToBase64String(Encoding.UTF8.GetBytes("bench-only-signing-key-of-32-bytes!!")));
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            builder.ConfigureServices(services =>
            {
                services.RunWolverineInSoloMode();
                services.AddSingleton(new LedgerClock(clock));
            });
        });
        var store = host.Services.GetRequiredService<IDocumentStore>();
        var token = host.Services.GetRequiredService<DevTokens>().Mint("bench", [Roles.Admin], TimeSpan.FromHours(4));

        Console.WriteLine($"Seeding {statements:N0} assessed statements...");
        var seeding = Stopwatch.StartNew();
        var (speakerId, topicId, middleRecorded) = await SeedAsync(store, clock, statements);
        await store.WaitForNonStaleProjectionDataAsync(TimeSpan.FromMinutes(30));
        Console.WriteLine($"Seeded and projected in {seeding.Elapsed.TotalSeconds:N1} s");

        var url = $"/api/positions/speakers/{speakerId}/topics/{topicId}";
        var knownAt = Uri.EscapeDataString(middleRecorded.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        var asOf = "2016-07-01";
        var cases = new (string Name, string Url)[]
        {
            ("current view", url),
            ("knownAt after the last recording (every entry, through the revisions)", $"{url}?knownAt=2030-01-01"),
            ("knownAt (middle of the recording)", $"{url}?knownAt={knownAt}"),
            ("asOf (middle of the stated period)", $"{url}?asOf={asOf}"),
            ("asOf + knownAt", $"{url}?asOf={asOf}&knownAt={knownAt}"),
        };

        var results = new List<(string Name, double Median, double P95, int Entries)>();
        foreach (var (name, target) in cases)
        {
            var timings = new List<double>();
            var entries = 0;
            for (var i = 0; i < iterations + 5; i++)
            {
                var watch = Stopwatch.StartNew();
                var result = await host.Scenario(s =>
                {
                    s.WithBearerToken(token);
                    s.Get.Url(target);
                });
                var body = await result.ReadAsTextAsync();
                watch.Stop();
                if (i >= 5)
                {
                    timings.Add(watch.Elapsed.TotalMilliseconds);
                }

                entries = CountEntries(body);
            }

            timings.Sort();
            results.Add((name, timings[timings.Count / 2], timings[(int)Math.Ceiling(timings.Count * 0.95) - 1], entries));
            Console.WriteLine($"{name}: median {results[^1].Median:N1} ms, p95 {results[^1].P95:N1} ms, {entries:N0} entries");
        }

        // Export: the whole log as NDJSON to nowhere, with the memory it took.
        var log = host.Services.GetRequiredService<EventLog>();
        GC.Collect();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var exportWatch = Stopwatch.StartNew();
        var counting = new CountingStream();
        await log.WriteAsync(counting, new EventFilter(), null, ndjson: true, CancellationToken.None);
        exportWatch.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var exported = counting.Lines;
        Console.WriteLine($"Export: {exported:N0} events in {exportWatch.Elapsed.TotalSeconds:N2} s");

        await WriteReportAsync(output, statements, iterations, results, exported, exportWatch.Elapsed, counting.Bytes, allocated);
        Console.WriteLine($"Wrote {output}");
        return 0;
    }

    static string Arg(string name, string fallback)
    {
        var args = Environment.GetCommandLineArgs();
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
    }

    static int CountEntries(string body)
    {
        using var json = System.Text.Json.JsonDocument.Parse(body);
        return json.RootElement.GetProperty("entries").GetArrayLength();
    }

    static async Task<(Guid Speaker, Guid Topic, DateTimeOffset MiddleRecorded)> SeedAsync(IDocumentStore store, SettableTime clock, int count)
    {
        var organization = Guid.CreateVersion7();
        var speaker = Guid.CreateVersion7();
        var topic = Guid.CreateVersion7();
        var role = Guid.CreateVersion7();
        string[] ladder = ["ruled-out", "assessing", "considering-options", "preparing", "committed", "acting"];
        await using (var session = store.LightweightSession())
        {
            session.Events.StartStream<Organization>(organization, new OrganizationRegistered(organization, "U.S. Department of Defense", []));
            session.Events.StartStream<Speaker>(speaker, new SpeakerRegistered(speaker, "Peter Cook", SpeakerKind.Person, null),
                new RoleAssumed(speaker, role, "Pentagon spokesman", organization, "U.S. Department of Defense", StatedTime.OfYear(2015)));
            session.Events.StartStream<Topic>(topic, new TopicOpened(topic, "U.S. military action against ISIS in Libya", null,
                new StanceLadder([.. ladder.Select(key => new StanceRung(key, key))])));
            await session.SaveChangesAsync();
        }

        var attribution = new Attribution(speaker, "Peter Cook", role, "Pentagon spokesman", organization, "U.S. Department of Defense");
        var random = new Random(20160127);
        var middle = DateTimeOffset.MinValue;
        const int perBatch = 100;
        for (var batch = 0; batch * perBatch < count; batch++)
        {
            // One simulated day of recording per batch; statements stated anywhere in 2016.
            clock.Set(DateTimeOffset.Parse("2016-01-01T12:00:00Z", CultureInfo.InvariantCulture).AddDays(batch));
            if (batch == count / perBatch / 2)
            {
                middle = clock.GetUtcNow();
            }

            await using var session = store.LightweightSession();
            for (var i = 0; i < perBatch && batch * perBatch + i < count; i++)
            {
                var id = Guid.CreateVersion7();
                var stated = StatedTime.OfDay(2016, 1, 1).Start.AddDays(random.Next(0, 366));
                session.Events.StartStream<Statement>(id,
                    new StatementRecorded(id, attribution, $"statement {batch * perBatch + i}", QuoteKind.Partial,
                        StatedTime.OfDay(stated.Year, stated.Month, stated.Day), [topic], new Source("i-HLS", $"https://i-hls.com/{id}", null, null, null, null, null, null)),
                    new StanceAssessed(id, topic, ladder[random.Next(ladder.Length)], null));
            }

            await session.SaveChangesAsync();
        }

        return (speaker, topic, middle);
    }

    static async Task WriteReportAsync(
        string path, int statements, int iterations, List<(string Name, double Median, double P95, int Entries)> results,
        long exported, TimeSpan exportTime, long exportBytes, long exportAllocated)
    {
        var current = results[0].Median;
        var report = new StringBuilder();
        report.AppendLine("# Benchmarks").AppendLine();
        report.AppendLine("Figures measured on this repository's code by the command next to them; nothing here is estimated.").AppendLine();
        report.AppendLine("## Time travel on a long history (issue 3)").AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"Command: `bench/run --statements {statements} --iterations {iterations}`").AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"Measured: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC on {Machine()}.").AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture,
            $"One speaker with {statements:N0} assessed statements on one topic, recorded over {statements / 100:N0} simulated days and stated across 2016. " +
            $"Each figure is one `GET /api/positions/speakers/{{id}}/topics/{{id}}` through the in-process host (HTTP pipeline, auth, JSON of the whole timeline), " +
            $"{iterations} timed requests after 5 warm-up ones.").AppendLine();
        report.AppendLine("| Read | Entries returned | Median (ms) | p95 (ms) | Ratio to the current view (median) |");
        report.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var (name, median, p95, entries) in results)
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {entries:N0} | {median:N1} | {p95:N1} | {median / current:N2} |");
        }

        report.AppendLine();
        report.AppendLine("`knownAt` reads the timeline's revision documents valid at that moment (one indexed query, however long the history); " +
                          "`asOf` filters the entries by stated time before shifts are computed.").AppendLine();
        report.AppendLine("## Event log export").AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture,
            $"Same run: the whole log ({exported:N0} events, {exportBytes / 1024.0 / 1024.0:N1} MiB of NDJSON) streamed to a null sink in {exportTime.TotalSeconds:N2} s " +
            $"({exported / exportTime.TotalSeconds:N0} events/s); the process allocated {exportAllocated / 1024.0 / 1024.0:N1} MiB in total while exporting " +
            $"(allocations, not retained memory: the writer reuses one 64 KiB buffer and holds one row at a time).");
        await File.WriteAllTextAsync(path, report.ToString());
    }

    static string Machine()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(line => line.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        var memory = File.Exists("/proc/meminfo")
            ? File.ReadLines("/proc/meminfo").First().Split(':', 2)[1].Trim()
            : "?";
        return $"{cpu ?? "unknown CPU"}, {Environment.ProcessorCount} cores, {memory} RAM, .NET {Environment.Version}, PostgreSQL {Environment.GetEnvironmentVariable("PG_VERSION_SEEN") ?? "15"} (throwaway cluster, fsync off)";
    }
}

sealed class SettableTime(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Set(DateTimeOffset now) => _now = now;
}

sealed class CountingStream : Stream
{
    public long Bytes { get; private set; }

    public long Lines { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => Bytes;

    public override long Position { get => Bytes; set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Bytes += buffer.Length;
        foreach (var b in buffer)
        {
            if (b == (byte)'\n')
            {
                Lines++;
            }
        }
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }
}
