using System.Security.Cryptography;
using System.Text.Json;
using Alba;
using ClaimsLedger.Auditing;
using ClaimsLedger.Ledger;
using ClaimsLedger.Ledger.Checkpointing;
using ClaimsLedger.Ledger.Proving;
using ClaimsLedger.Tests.Support;
using Npgsql;
using Shouldly;

namespace ClaimsLedger.Tests.Ledger;

/// <summary>The ledger as an auditor uses it: checkpoints, inclusion and consistency proofs, checked with nothing but the public key.</summary>
[Collection(ReplayCollection.Name)]
public sealed class LedgerTests(ReplayFixture fixture) : HostContext(fixture)
{
    private async Task<Checkpoint> CheckpointAsync()
    {
        await Given.ProjectionsCaughtUpAsync();
        var result = await Host.Scenario(s =>
        {
            s.WithBearerToken(Auditor);
            s.Post.Url("/api/ledger/checkpoints");
            s.StatusCodeShouldBeOk();
        });
        return (await result.ReadAsJsonAsync<Checkpoint>())!;
    }

    private async Task<ECDsa> PublicKeyAsync()
    {
        var key = await Host.GetJsonAsync<PublicKey>("/api/ledger/public-key", Auditor);
        return LedgerKey.PublicKeyFrom(key.PublicKeyPem);
    }

    [Fact]
    public async Task Every_event_becomes_a_leaf_in_sequence_order_and_a_checkpoint_signs_the_root_of_them_all()
    {
        await Given.SpeakerAsync("Peter Cook", await Given.OrganizationAsync());

        var checkpoint = await CheckpointAsync();

        checkpoint.IsSignedBy(await PublicKeyAsync()).ShouldBeTrue();
        await using var connection = new NpgsqlConnection(AppFixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select count(*), count(*) filter (where l.seq_id is not null) from {Fixture.Schema}.mt_events e left join {Fixture.Schema}.ledger_leaves l using (seq_id)",
            connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        reader.GetInt64(1).ShouldBe(reader.GetInt64(0), "every event should be a leaf");
        checkpoint.TreeSize.ShouldBe(reader.GetInt64(0));
    }

    [Fact]
    public async Task An_inclusion_proof_verifies_offline_from_the_exported_event_the_checkpoint_and_the_public_key()
    {
        var statement = await Given.StatementAsync(await Given.SpeakerAsync("Peter Cook", await Given.OrganizationAsync()), "metastasis", "2016-01-27");
        await Given.SpeakerAsync("Ashton Carter", await Given.OrganizationAsync());
        var checkpoint = await CheckpointAsync();
        var sequence = (await Host.GetJsonAsync<JsonElement>($"/api/streams/{statement}/events", Auditor)).GetProperty("items")[0].GetProperty("sequence").GetInt64();

        var proof = await Host.GetJsonAsync<InclusionProof>($"/api/ledger/proofs/inclusion?sequence={sequence}&treeSize={checkpoint.TreeSize}", Auditor);

        var logged = proof.Event.Deserialize<LoggedEvent>(Json.Options)!;
        var leaf = LedgerEvent.From(logged).LeafHash();
        Convert.ToBase64String(leaf).ShouldBe(proof.LeafHash);
        Merkle.VerifyInclusion(proof.LeafIndex, checkpoint.TreeSize, leaf, [.. proof.Proof.Select(Convert.FromBase64String)], checkpoint.Root())
            .ShouldBeTrue();
        var forged = LedgerEvent.From(logged with { Data = JsonDocument.Parse("""{"quote":"something else"}""").RootElement }).LeafHash();
        Merkle.VerifyInclusion(proof.LeafIndex, checkpoint.TreeSize, forged, [.. proof.Proof.Select(Convert.FromBase64String)], checkpoint.Root())
            .ShouldBeFalse();
    }

    [Fact]
    public async Task The_offline_check_accepts_an_inclusion_proof_saved_to_files_and_refuses_a_checkpoint_from_another_key()
    {
        var speaker = await Given.SpeakerAsync("Peter Cook", await Given.OrganizationAsync());
        var checkpoint = await CheckpointAsync();
        var sequence = (await Host.GetJsonAsync<JsonElement>($"/api/streams/{speaker}/events", Auditor)).GetProperty("items")[0].GetProperty("sequence").GetInt64();
        var folder = Directory.CreateTempSubdirectory();
        var (proofFile, checkpointFile, keyFile, otherKeyFile) = (Path.Combine(folder.FullName, "proof.json"), Path.Combine(folder.FullName, "checkpoint.json"),
            Path.Combine(folder.FullName, "key.pem"), Path.Combine(folder.FullName, "other.pem"));
        await File.WriteAllTextAsync(proofFile, await (await Host.Scenario(s =>
        {
            s.WithBearerToken(Auditor);
            s.Get.Url($"/api/ledger/proofs/inclusion?sequence={sequence}");
        })).ReadAsTextAsync());
        await File.WriteAllTextAsync(checkpointFile, JsonSerializer.Serialize(checkpoint, Json.Options));
        await File.WriteAllTextAsync(keyFile, (await Host.GetJsonAsync<PublicKey>("/api/ledger/public-key", Auditor)).PublicKeyPem);
        using (var other = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            await File.WriteAllTextAsync(otherKeyFile, other.ExportSubjectPublicKeyInfoPem());
        }

        var (ok, message) = await ClaimsLedger.Ledger.Verifying.ProofCheck.RunAsync(proofFile, checkpointFile, null, keyFile);
        var (forged, why) = await ClaimsLedger.Ledger.Verifying.ProofCheck.RunAsync(proofFile, checkpointFile, null, otherKeyFile);

        ok.ShouldBeTrue(message);
        forged.ShouldBeFalse();
        why.ShouldContain("not signed by this public key");
        folder.Delete(recursive: true);
    }

    [Fact]
    public async Task A_later_checkpoint_proves_consistent_with_an_earlier_one()
    {
        await Given.OrganizationAsync();
        var earlier = await CheckpointAsync();
        await Given.SpeakerAsync("Peter Cook", await Given.OrganizationAsync(), "Pentagon spokesman", "2015");
        var later = await CheckpointAsync();

        var proof = await Host.GetJsonAsync<ConsistencyProof>($"/api/ledger/proofs/consistency?from={earlier.TreeSize}&to={later.TreeSize}", Auditor);

        later.TreeSize.ShouldBeGreaterThan(earlier.TreeSize);
        Merkle.VerifyConsistency(earlier.TreeSize, later.TreeSize, earlier.Root(), later.Root(), [.. proof.Proof.Select(Convert.FromBase64String)])
            .ShouldBeTrue();
    }

    [Fact]
    public async Task Asking_for_a_checkpoint_again_before_the_log_grows_returns_the_same_one()
    {
        await Given.OrganizationAsync();
        var first = await CheckpointAsync();

        (await CheckpointAsync()).ShouldBe(first);
        (await Host.GetJsonAsync<Checkpoint>("/api/ledger/checkpoints/latest", Auditor)).ShouldBe(first);
    }

    [Theory]
    [InlineData("/api/ledger/proofs/inclusion?sequence=0&treeSize=1", 400, "sequence")]
    [InlineData("/api/ledger/proofs/inclusion?sequence=999999999&treeSize=1", 404, null)]
    [InlineData("/api/ledger/proofs/inclusion?sequence=1&treeSize=999999999", 422, "treeSize")]
    [InlineData("/api/ledger/proofs/consistency?from=0&to=1", 422, "from")]
    [InlineData("/api/ledger/proofs/consistency?from=1&to=999999999", 422, "to")]
    public async Task A_proof_that_cannot_exist_is_refused_with_a_problem(string url, int status, string? field)
    {
        await Given.OrganizationAsync();
        await CheckpointAsync();

        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Auditor);
            s.Get.Url(url);
        }, status, field);
    }
}
