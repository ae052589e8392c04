using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using ClaimsLedger.Bench.Harness;
using ClaimsLedger.Infrastructure;
using ClaimsLedger.Ledger;
using ClaimsLedger.Ledger.Checkpointing;
using ClaimsLedger.Ledger.Verifying;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ClaimsLedger.Bench.Figures;

/// <summary>
/// Figure 6: the ledger's `verify` (LedgerVerifier) over the shared large log, events/s. Floor: SHA-256 of every
/// event's canonical leaf bytes, computed beforehand and held in memory. Also: what a checkpoint costs at several
/// tree sizes (its root assembled from stored subtrees), to show that it does not grow with the log.
/// </summary>
internal sealed class LedgerVerify : Figure
{
    private const int CheckpointRepeats = 15;

    private BigLog? _log;
    private LedgerKey? _key;
    private readonly List<byte[]> _leafBytes = [];
    private long _leafBytesTotal;
    private long[] _sizes = [];
    private readonly Dictionary<long, int> _nodesRead = [];
    private readonly List<string> _notes = [];

    public override string Number => "6";

    public override string Title => "Ledger verify over the large log";

    public override string Description => string.Create(CultureInfo.InvariantCulture,
        $"Ours: `LedgerVerifier.VerifyAsync` (what `verify` runs) over the shared log of {_log?.Events:N0} events: it reads every event row and every stored leaf in sequence order, recomputes each leaf (RFC 8785 canonical JSON, SHA-256), rebuilds the tree and checks it against the stored leaves and every stored checkpoint; events/s is events checked over the call's time. ") +
        "Floor: SHA-256 of `0x00 ‖ canonical bytes` of the same events, the bytes computed before the timing and held in memory, one thread (no database, no JSON). Goal (issue 9): ratio ≥ 0.5. " +
        string.Create(CultureInfo.InvariantCulture,
            $"Checkpoint cost: the root of the tree at {string.Join(", ", _sizes.Select(size => size.ToString("N0", CultureInfo.InvariantCulture)))} leaves, assembled from the stored perfect subtrees (`LedgerTree.ComputeAsync`, what `Checkpoints.IssueAsync` signs), median of {CheckpointRepeats} per run; its floor is the same at the smallest size, so the ratio shows how the cost grows with the log (goal: far less than the log: ratio ≤ 2 for 10× and 100× the leaves).");

    public override IEnumerable<string> Notes => _log is null ? _notes :
        [string.Create(CultureInfo.InvariantCulture,
            $"The ledger subscription hashed the seeded log into its tree (from nothing, on the harness's daemon) in {_log.LedgerCatchUp.TotalSeconds:N1} s ({_log.Events / _log.LedgerCatchUp.TotalSeconds:N0} events/s)."),
         string.Create(CultureInfo.InvariantCulture,
            $"Canonical bytes held for the floor: {_leafBytes.Count:N0} leaves, {_leafBytesTotal / 1024.0 / 1024.0:N1} MiB."),
         string.Create(CultureInfo.InvariantCulture,
            $"Stored nodes read per root: {string.Join(", ", _sizes.Select(size => $"{size:N0} leaves: {_nodesRead.GetValueOrDefault(size)}"))}."),
         .. _notes];

    public override async Task SetUpAsync(BenchSettings settings, CancellationToken cancellation)
    {
        _log = await BigLog.AcquireAsync(settings, cancellation);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new(LedgerKey.PemKey, ServiceProcess.LedgerKey)]).Build();
        _key = LedgerKey.From(configuration, new HostingEnvironment { EnvironmentName = "Production" });
        var tree = new LedgerTree(_log.Store);
        await using var connection = await tree.OpenAsync(cancellation);
        var (size, _) = await tree.HeadAsync(connection, cancellation);
        _sizes = [.. new[] { size / 100, size / 10, size }.Where(value => value > 0).Distinct()];

        // Signed checkpoints at the smaller sizes (as the schedule would have issued while the log grew), then one
        // issued by the service's own code at the full size: verify checks the log against all of them.
        foreach (var earlier in _sizes.Where(value => value < size))
        {
            var root = await tree.ComputeAsync(connection, proofs => proofs.Root(earlier), cancellation);
            var checkpoint = _key.Sign(earlier, root, DateTimeOffset.UtcNow);
            await using var insert = new NpgsqlCommand(
                $"insert into {BigLog.Schema}.ledger_checkpoints (tree_size, root_hash, created_at, key_id, signature) values (@size, @root, @at, @key, @signature) on conflict (tree_size) do nothing",
                connection);
            insert.Parameters.AddWithValue("size", earlier);
            insert.Parameters.AddWithValue("root", root);
            insert.Parameters.AddWithValue("at", checkpoint.CreatedAt);
            insert.Parameters.AddWithValue("key", checkpoint.KeyId);
            insert.Parameters.AddWithValue("signature", Convert.FromBase64String(checkpoint.Signature));
            await insert.ExecuteNonQueryAsync(cancellation);
        }

        var checkpoints = new Checkpoints(_log.Store, tree, _key, new LedgerClock(TimeProvider.System), NullLogger<Checkpoints>.Instance);
        var issue = Stopwatch.StartNew();
        var issued = await checkpoints.IssueAsync(cancellation);
        _notes.Add(string.Create(CultureInfo.InvariantCulture,
            $"`Checkpoints.IssueAsync` at the full size ({issued?.TreeSize:N0} leaves), the first time (sign and store): {issue.Elapsed.TotalMilliseconds:N1} ms."));

        foreach (var at in _sizes)
        {
            var needed = 0;
            new MerkleProofs((_, _) =>
            {
                needed++;
                return new byte[Merkle.HashSize];
            }).Root(at);
            _nodesRead[at] = needed;
        }

        // What reading the rows alone costs (verify's binary COPY of the same columns on one connection, nothing
        // canonicalized or hashed): what PostgreSQL and one connection deliver on this machine, whatever the hashing
        // does. verify reads on several connections at once (LedgerVerifier.Readers).
        long read;
        await using (var count = new NpgsqlCommand($"select count(*) from {BigLog.Schema}.mt_events", connection))
        {
            read = (long)(await count.ExecuteScalarAsync(cancellation))!;
        }

        var reading = Stopwatch.StartNew();
        await using (var copy = await connection.BeginRawBinaryCopyAsync(
            $"copy (select seq_id, id, stream_id, version, type, timestamp, tenant_id, data, user_name, correlation_id, causation_id, headers from {BigLog.Schema}.mt_events order by seq_id) to stdout (format binary)",
            cancellation))
        {
            var buffer = new byte[64 * 1024];
            while (await copy.ReadAsync(buffer, cancellation) > 0)
            {
            }
        }

        _notes.Add(string.Create(CultureInfo.InvariantCulture,
            $"Reading the rows alone (verify's binary COPY of the same columns on one connection, the bytes received and dropped, nothing parsed, canonicalized or hashed): {read:N0} rows in {reading.Elapsed.TotalSeconds:N2} s, {read / reading.Elapsed.TotalSeconds:N0} rows/s. verify reads on {new LedgerVerifier(_log.Store).Readers} connections at once."));

        // The floor's input: every event's canonical leaf bytes (with the 0x00 leaf prefix), in memory.
        await using var rows = new NpgsqlCommand($"select {LedgerEvent.Columns} from {BigLog.Schema}.mt_events order by seq_id", connection);
        await using var reader = await rows.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            var canonical = LedgerEvent.Read(reader).CanonicalBytes();
            var leaf = new byte[canonical.Length + 1];
            canonical.CopyTo(leaf, 1);
            _leafBytes.Add(leaf);
            _leafBytesTotal += leaf.Length;
        }
    }

    public override async Task<IReadOnlyList<Sample>> RunOnceAsync(int run, bool floorFirst, CancellationToken cancellation)
    {
        var floor = floorFirst ? HashFloor() : 0;
        var ours = await VerifyAsync(run, cancellation);
        if (!floorFirst)
        {
            floor = HashFloor();
        }

        var samples = new List<Sample> { new("verify: events/s", "/s", ours, floor, Goal.RatioAtLeast(0.5)) };
        var costs = new Dictionary<long, double>();
        var tree = new LedgerTree(_log!.Store);
        await using var connection = await tree.OpenAsync(cancellation);
        foreach (var size in floorFirst ? _sizes : _sizes.Reverse())
        {
            var timings = new List<double>();
            for (var i = 0; i < CheckpointRepeats + 3; i++)
            {
                var watch = Stopwatch.StartNew();
                await tree.ComputeAsync(connection, proofs => proofs.Root(size), cancellation);
                if (i >= 3)
                {
                    timings.Add(watch.Elapsed.TotalMilliseconds);
                }
            }

            costs[size] = Stats.Median(timings);
        }

        foreach (var size in _sizes.Skip(1))
        {
            samples.Add(new Sample(string.Create(CultureInfo.InvariantCulture, $"checkpoint root at {size:N0} leaves (floor: at {_sizes[0]:N0}): latency"), "ms",
                costs[size], costs[_sizes[0]], new Goal("ratio ≤ 2", (_, ratio) => ratio <= 2)));
        }

        return samples;
    }

    private async Task<double> VerifyAsync(int run, CancellationToken cancellation)
    {
        var verifier = new LedgerVerifier(_log!.Store);
        var watch = Stopwatch.StartNew();
        var report = await verifier.VerifyAsync(_key!.Key, [], null, cancellation);
        watch.Stop();
        _notes.Add(string.Create(CultureInfo.InvariantCulture,
            $"Run {run}: verify checked {report.Events:N0} events against {report.Leaves:N0} leaves and {report.Checkpoints} checkpoints in {watch.Elapsed.TotalSeconds:N2} s: {(report.Ok ? "OK" : $"**{report.Findings.Count} findings, first: {report.First?.Detail}**")}."));
        return report.Events / watch.Elapsed.TotalSeconds;
    }

    private double HashFloor()
    {
        Span<byte> hash = stackalloc byte[32];
        var watch = Stopwatch.StartNew();
        foreach (var leaf in _leafBytes)
        {
            SHA256.HashData(leaf, hash);
        }

        watch.Stop();
        return _leafBytes.Count / watch.Elapsed.TotalSeconds;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _key?.Dispose();
        if (_log is not null)
        {
            await BigLog.ReleaseAsync();
        }
    }
}
