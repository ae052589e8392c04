using System.Diagnostics;
using System.Globalization;
using System.Text;
using Alba;
using ClaimsLedger.Bench.Harness;
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

namespace ClaimsLedger.Bench.Figures;

/// <summary>
/// Figure 5 (time travel, issue 3): one speaker with N assessed statements on one topic, recorded over N/100
/// simulated days. Reads the position timeline knownAt the middle of the recording period, asOf the middle
/// of the stated period, and both; the floor is the current view of the same timeline, read in the same run.
/// Through the in-process host (Alba): HTTP pipeline, auth and the JSON of the whole timeline.
/// </summary>
internal sealed class TimeTravel : Figure
{
    private IAlbaHost? _host;
    private string _token = "";
    private (string Name, string Url)[] _cases = [];
    private readonly Dictionary<string, int> _entries = [];
    private int _iterations;
    private int _statements;
    private string _export = "";

    public override string Number => "5";

    public override string Title => "Time travel on a long history";

    public override string Description =>
        string.Create(CultureInfo.InvariantCulture,
            $"One speaker with {_statements:N0} assessed statements on one topic, recorded over {_statements / 100:N0} simulated days and stated across 2016. ") +
        string.Create(CultureInfo.InvariantCulture,
            $"Each read is one `GET /api/positions/speakers/{{id}}/topics/{{id}}` through the in-process host (HTTP pipeline, auth, JSON of the whole timeline); per run, the median of {_iterations} timed requests after 5 warm-up ones. ") +
        "The floor is the current view of the same timeline (no `knownAt`, no `asOf`), so the ratio says what time travel costs over reading the present. " +
        "Goal (issue 9): ratio ≤ 10. `knownAt` reads the timeline's revision documents valid at that moment (one indexed query, however long the history); " +
        "`asOf` filters the entries by stated time before shifts are computed.";

    public override IEnumerable<string> Notes =>
        [.. _cases.Skip(1).Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Name}: {_entries.GetValueOrDefault(c.Name):N0} entries returned (current view: {_entries.GetValueOrDefault(_cases[0].Name):N0})")), _export];

    public override async Task SetUpAsync(BenchSettings settings, CancellationToken cancellation)
    {
        _iterations = settings.Iterations;
        _statements = settings.Statements;
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_CLAIMSLEDGER", Path.Combine(settings.RepositoryRoot, "src", "ClaimsLedger"));
        var clock = new SettableTime(DateTimeOffset.Parse("2016-01-01T00:00:00Z", CultureInfo.InvariantCulture));
        _host = await AlbaHost.For<LedgerClock>(builder =>
        {
            builder.UseSetting("CLAIMSLEDGER_DB", settings.OwnerConnection);
            builder.UseSetting("ClaimsLedger:Schema", "bench");
            builder.UseSetting("ClaimsLedger:ApplySchemaOnStart", "true");
            builder.UseSetting("RateLimits:Enabled", "false");
            builder.UseSetting("Auth:SigningKey", Convert.ToBase64String(Encoding.UTF8.GetBytes("bench-only-signing-key-of-32-bytes!!")));
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            builder.ConfigureServices(services =>
            {
                services.RunWolverineInSoloMode();
                services.AddSingleton(new LedgerClock(clock));
            });
        });
        var store = _host.Services.GetRequiredService<IDocumentStore>();
        _token = _host.Services.GetRequiredService<DevTokens>().Mint("bench", [Roles.Admin], TimeSpan.FromHours(4));

        Console.WriteLine($"  seeding {_statements:N0} assessed statements...");
        var seeding = Stopwatch.StartNew();
        var (speakerId, topicId, middleRecorded) = await SeedAsync(store, clock, _statements, settings.Seed);
        await store.WaitForNonStaleProjectionDataAsync(TimeSpan.FromMinutes(30));
        Console.WriteLine($"  seeded and projected in {seeding.Elapsed.TotalSeconds:N1} s");

        var url = $"/api/positions/speakers/{speakerId}/topics/{topicId}";
        var knownAt = Uri.EscapeDataString(middleRecorded.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        var asOf = "2016-07-01";
        _cases =
        [
            ("current view", url),
            ("knownAt after the last recording (every entry, through the revisions)", $"{url}?knownAt=2030-01-01"),
            ("knownAt (middle of the recording)", $"{url}?knownAt={knownAt}"),
            ("asOf (middle of the stated period)", $"{url}?asOf={asOf}"),
            ("asOf + knownAt", $"{url}?asOf={asOf}&knownAt={knownAt}"),
        ];

        // Export: the whole log as NDJSON to nowhere, with the memory it took (a note, not yet a figure).
        var log = _host.Services.GetRequiredService<EventLog>();
        GC.Collect();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var exportWatch = Stopwatch.StartNew();
        var counting = new CountingStream();
        await log.WriteAsync(counting, new EventFilter(), null, ndjson: true, cancellation);
        exportWatch.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        _export = string.Create(CultureInfo.InvariantCulture,
            $"Event log export, same run (not yet a figure with a floor): the whole log ({counting.Lines:N0} events, {counting.Bytes / 1024.0 / 1024.0:N1} MiB of NDJSON) streamed to a null sink in {exportWatch.Elapsed.TotalSeconds:N2} s ({counting.Lines / exportWatch.Elapsed.TotalSeconds:N0} events/s); the process allocated {allocated / 1024.0 / 1024.0:N1} MiB in total while exporting (allocations, not retained memory).");
    }

    public override async Task<IReadOnlyList<Sample>> RunOnceAsync(int run, bool floorFirst, CancellationToken cancellation)
    {
        var medians = new Dictionary<string, double>();
        var order = floorFirst ? _cases : [.. _cases.Skip(1), _cases[0]];
        foreach (var (name, target) in order)
        {
            var timings = new List<double>();
            for (var i = 0; i < _iterations + 5; i++)
            {
                var watch = Stopwatch.StartNew();
                var result = await _host!.Scenario(s =>
                {
                    s.WithBearerToken(_token);
                    s.Get.Url(target);
                });
                var body = await result.ReadAsTextAsync();
                watch.Stop();
                if (i >= 5)
                {
                    timings.Add(watch.Elapsed.TotalMilliseconds);
                }

                _entries[name] = CountEntries(body);
            }

            medians[name] = Stats.Median(timings);
        }

        var floor = medians[_cases[0].Name];
        return [.. _cases.Skip(1).Select(c => new Sample($"{c.Name}, median latency", "ms", medians[c.Name], floor, Goal.RatioAtMost(10)))];
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    static int CountEntries(string body)
    {
        using var json = System.Text.Json.JsonDocument.Parse(body);
        return json.RootElement.GetProperty("entries").GetArrayLength();
    }

    static async Task<(Guid Speaker, Guid Topic, DateTimeOffset MiddleRecorded)> SeedAsync(IDocumentStore store, SettableTime clock, int count, int seed)
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
        var random = new Random(seed);
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
