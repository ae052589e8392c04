using System.Text.Json;
using Alba;
using ClaimsLedger.Ledger;
using ClaimsLedger.Ledger.Checkpointing;
using ClaimsLedger.Ledger.Proving;
using ClaimsLedger.Ledger.Verifying;
using ClaimsLedger.Organizations;
using ClaimsLedger.Statements.CorrectingQuotes;
using ClaimsLedger.Tests.Support;
using Marten;
using Marten.Events;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;

namespace ClaimsLedger.Tests.Ledger;

/// <summary>
/// A PostgreSQL superuser, behind the service's back and with the triggers off, changes the log.
/// verify must name the first sequence that differs; a rewrite that also recomputes the stored leaf
/// hashes must still be caught by the signed checkpoints, and by the auditor's saved checkpoint offline.
/// </summary>
public sealed class TamperTests : IAsyncLifetime
{
    private readonly string _schema = $"t_tamper_{Guid.NewGuid():N}"[..24];
    private IAlbaHost _host = null!;
    private Checkpoint _saved = null!;
    private List<long> _sequences = [];

    public async Task InitializeAsync()
    {
        _host = await AppFixture.StartAsync(_schema);
        var given = new Scenarios(new HostedFixture(_host));
        var cook = await given.SpeakerAsync("Peter Cook", await given.OrganizationAsync(), "Pentagon spokesman", "2015");
        for (var i = 0; i < 6; i++)
        {
            var statement = await given.StatementAsync(cook, $"statement {i}", $"2016-01-{i + 10:00}");
            await given.ChangeAsync($"/api/statements/{statement}/quote-corrections", new CorrectQuote($"corrected statement {i}", null, "typo", 1), "editor");
        }

        await given.ProjectionsCaughtUpAsync();
        _saved = (await _host.Services.GetRequiredService<Checkpoints>().IssueAsync(CancellationToken.None))!;
        await using var session = _host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        _sequences = [.. (await session.Events.QueryAllRawEvents().OrderBy(e => e.Sequence).ToListAsync()).Select(e => e.Sequence)];
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task TamperAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(AppFixture.SuperuserConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"set session_replication_role = replica; {sql.Replace("{s}", _schema, StringComparison.Ordinal)}", connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<VerificationReport> VerifyAsync(params Checkpoint[] saved)
    {
        var store = _host.Services.GetRequiredService<IDocumentStore>();
        var key = _host.Services.GetRequiredService<LedgerKey>().Key;
        var report = await new LedgerVerifier(store).VerifyAsync(key, saved, null, CancellationToken.None);

        // Blocks of 5 sequences on 3 connections: a small log crosses blocks and readers, and nothing found may change.
        var split = await new LedgerVerifier(store) { Readers = 3, BlockSize = 5 }.VerifyAsync(key, saved, null, CancellationToken.None);
        split.Findings.ShouldBe(report.Findings);
        (split.Events, split.Leaves, split.Checkpoints).ShouldBe((report.Events, report.Leaves, report.Checkpoints));
        return report;
    }

    [Fact]
    public async Task An_untouched_log_verifies()
    {
        var report = await VerifyAsync(_saved);

        report.Ok.ShouldBeTrue(string.Join("; ", report.Findings));
        report.Events.ShouldBe(_sequences.Count);
        report.Leaves.ShouldBe(_sequences.Count);
    }

    [Fact]
    public async Task Text_of_every_kind_in_every_column_hashes_the_same_when_verify_reads_it()
    {
        // The ledger hashes each event from its row as .NET strings; verify from the bytes of a binary COPY.
        const string odd = "“quoted” \"straight\" back\\slash\ttab\nline \u0001 \u007f é € \u2028 \ue000 😀 𐀀";
        var store = _host.Services.GetRequiredService<IDocumentStore>();
        await using (var session = store.LightweightSession())
        {
            session.LastModifiedBy = $"user {odd}";
            session.CorrelationId = $"correlation {odd}";
            session.CausationId = "";
            session.SetHeader("import", new { by = "alice" });
            session.SetHeader("zeta", odd);
            session.SetHeader("\u00e9", new Dictionary<string, object> { ["n"] = 1.5e-7, ["big"] = 1e21, ["m"] = -0.0, ["€"] = new List<int> { 1, 2 } });
            var id = Guid.NewGuid();
            session.Events.StartStream<Organization>(id, new OrganizationRegistered(id, odd, [odd, "", "\u001f"]));
            await session.SaveChangesAsync();
        }

        await store.WaitForNonStaleProjectionDataAsync(AppFixture.ProjectionCatchUp);
        var report = await VerifyAsync(_saved);

        report.Ok.ShouldBeTrue(Describe(report));
        report.Events.ShouldBe(_sequences.Count + 1);
    }

    [Fact]
    public async Task One_changed_byte_of_one_events_data_is_named_by_its_sequence()
    {
        var target = _sequences[10];
        await TamperAsync($"update {{s}}.mt_events set data = jsonb_set(data, '{{quote}}', to_jsonb(replace(data->>'quote', 'o', '0'))) where seq_id = {target}");

        var report = await VerifyAsync();

        report.First!.Sequence.ShouldBe(target, Describe(report));
        report.First.Kind.ShouldBe("changed", Describe(report));
    }

    [Fact]
    public async Task A_deleted_event_is_named_by_its_sequence()
    {
        var target = _sequences[7];
        await TamperAsync($"delete from {{s}}.mt_events where seq_id = {target}");

        var report = await VerifyAsync();

        report.First!.Sequence.ShouldBe(target, Describe(report));
        report.First.Kind.ShouldBe("missing", Describe(report));
    }

    [Fact]
    public async Task Two_events_with_swapped_sequence_numbers_are_named()
    {
        var (first, second) = (_sequences[8], _sequences[9]);
        await TamperAsync($$"""
            update {s}.mt_events set seq_id = -1 where seq_id = {{first}};
            update {s}.mt_events set seq_id = {{first}} where seq_id = {{second}};
            update {s}.mt_events set seq_id = {{second}} where seq_id = -1;
            """);

        var report = await VerifyAsync();

        report.First!.Sequence.ShouldBe(first, Describe(report));
        report.First.Kind.ShouldBe("reordered", Describe(report));
    }

    [Fact]
    public async Task A_truncated_tail_is_named_where_it_starts()
    {
        var from = _sequences[^3];
        await TamperAsync($"delete from {{s}}.mt_events where seq_id >= {from}");

        var report = await VerifyAsync();

        report.First!.Sequence.ShouldBe(from, Describe(report));
        report.First.Kind.ShouldBe("missing", Describe(report));
    }

    [Fact]
    public async Task A_rewritten_event_with_recomputed_leaves_is_caught_by_the_checkpoints_and_by_the_auditors_saved_one_offline()
    {
        var target = _sequences[11];
        await TamperAsync($"update {{s}}.mt_events set data = jsonb_set(data, '{{quote}}', '\"we will invade\"') where seq_id = {target}");
        await RecomputeStoredTreeAsync();

        // The stored leaves now match the rows: only the signed roots can tell.
        var report = await VerifyAsync();
        report.Ok.ShouldBeFalse();
        report.Findings.ShouldNotContain(finding => finding.Kind == "changed");
        report.Findings.ShouldContain(finding => finding.Kind == "checkpoint");
        report.First!.Sequence.ShouldBeLessThanOrEqualTo(target);

        // Even with every stored checkpoint deleted, the auditor's saved one still catches it...
        await TamperAsync("delete from {s}.ledger_checkpoints");
        (await VerifyAsync()).Ok.ShouldBeTrue("with no checkpoints left, the database alone can no longer tell");
        var withSaved = await VerifyAsync(_saved);
        withSaved.Findings.ShouldContain(finding => finding.Kind == "checkpoint");

        // ...and offline: the service signs a new head of the rewritten tree, but no consistency proof
        // can lead from the saved head to it.
        await new Scenarios(new HostedFixture(_host)).OrganizationAsync("U.S. Department of State");
        await _host.Services.GetRequiredService<IDocumentStore>().WaitForNonStaleProjectionDataAsync(AppFixture.ProjectionCatchUp);
        var fresh = (await _host.Services.GetRequiredService<Checkpoints>().IssueAsync(CancellationToken.None))!;
        var (proof, _) = await _host.Services.GetRequiredService<Proofs>().ConsistencyAsync(_saved.TreeSize, fresh.TreeSize, CancellationToken.None);
        var folder = Directory.CreateTempSubdirectory();
        var files = (
            Proof: Path.Combine(folder.FullName, "proof.json"),
            Old: Path.Combine(folder.FullName, "old.json"),
            New: Path.Combine(folder.FullName, "new.json"),
            Key: Path.Combine(folder.FullName, "key.pem"));
        await File.WriteAllTextAsync(files.Proof, JsonSerializer.Serialize(proof, Json.Options));
        await File.WriteAllTextAsync(files.Old, JsonSerializer.Serialize(_saved, Json.Options));
        await File.WriteAllTextAsync(files.New, JsonSerializer.Serialize(fresh, Json.Options));
        await File.WriteAllTextAsync(files.Key, _host.Services.GetRequiredService<LedgerKey>().PublicKeyPem);

        var (ok, message) = await ProofCheck.RunAsync(files.Proof, files.New, files.Old, files.Key);

        ok.ShouldBeFalse(message);
        message.ShouldContain("does not extend");
        folder.Delete(recursive: true);
    }

    private static string Describe(VerificationReport report) => string.Join("; ", report.Findings);

    /// <summary>What a careful attacker does next: rehash the tampered rows into the stored leaves and nodes.</summary>
    private async Task RecomputeStoredTreeAsync()
    {
        await using var connection = new NpgsqlConnection(AppFixture.SuperuserConnectionString);
        await connection.OpenAsync();
        var leaves = new List<(long Sequence, Guid Id, byte[] Hash)>();
        await using (var read = new NpgsqlCommand($"select {LedgerEvent.Columns} from {_schema}.mt_events order by seq_id", connection))
        await using (var reader = await read.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var row = LedgerEvent.Read(reader);
                leaves.Add((row.Sequence, row.Id, row.LeafHash()));
            }
        }

        var growth = new TreeGrowth(0, new Dictionary<NodeKey, byte[]>());
        var sql = new System.Text.StringBuilder($"set session_replication_role = replica; delete from {_schema}.ledger_leaves; delete from {_schema}.ledger_nodes;");
        for (var index = 0; index < leaves.Count; index++)
        {
            sql.Append(System.Globalization.CultureInfo.InvariantCulture,
                $"insert into {_schema}.ledger_leaves values ({index}, {leaves[index].Sequence}, '{leaves[index].Id}', '\\x{Convert.ToHexString(leaves[index].Hash)}');");
            foreach (var (key, hash) in growth.Append(leaves[index].Hash))
            {
                sql.Append(System.Globalization.CultureInfo.InvariantCulture,
                    $"insert into {_schema}.ledger_nodes values ({key.Level}, {key.Index}, '\\x{Convert.ToHexString(hash)}');");
            }
        }

        await using var write = new NpgsqlCommand(sql.ToString(), connection);
        await write.ExecuteNonQueryAsync();
    }
}

/// <summary>Lets the scenario helpers drive a host that is not a collection fixture's.</summary>
public sealed class HostedFixture : AppFixture
{
    public HostedFixture(IAlbaHost host)
    {
        Adopt(host);
    }
}
