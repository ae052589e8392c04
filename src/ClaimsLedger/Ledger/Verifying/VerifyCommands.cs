using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using ClaimsLedger.Auditing;
using ClaimsLedger.Ledger.Proving;
using ClaimsLedger.Samples;
using JasperFx;
using JasperFx.CommandLine;

namespace ClaimsLedger.Ledger.Verifying;

public sealed class VerifyInput : NetCoreInput
{
    [Description("Checkpoint files you saved elsewhere, to check the log against as well.")]
    public IEnumerable<string> CheckpointsFlag { get; set; } = [];

    [Description("The public key (PEM) checkpoints must be signed with; default: the configured signing key's.")]
    public string? PublicKeyFlag { get; set; }
}

[Description("Recompute every leaf from the event table, rebuild the tree and check it against the stored leaves and every checkpoint; name the first sequence that differs.", Name = "verify")]
public sealed class VerifyCommand : JasperFxAsyncCommand<VerifyInput>
{
    public override async Task<bool> Execute(VerifyInput input)
    {
        using var host = input.BuildHost();
        var publicKey = input.PublicKeyFlag is null
            ? host.Services.GetRequiredService<LedgerKey>().Key
            : LedgerKey.PublicKeyFrom(await File.ReadAllTextAsync(input.PublicKeyFlag));
        var saved = new List<Checkpoint>();
        foreach (var file in input.CheckpointsFlag)
        {
            saved.Add(JsonSerializer.Deserialize<Checkpoint>(await File.ReadAllTextAsync(file), SampleLoader.Json)!);
        }

        var verifier = new LedgerVerifier(host.Services.GetRequiredService<Marten.IDocumentStore>());
        var report = await verifier.VerifyAsync(publicKey, saved,
            events => Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {events:N0} events checked...")), CancellationToken.None);

        // Plain lines, never wrapped: a report is read by people and by scripts.
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Checked {report.Events:N0} events against {report.Leaves:N0} leaves and {report.Checkpoints} checkpoints."));
        if (report.Ok)
        {
            Console.WriteLine("OK: the log is exactly what the ledger recorded and every checkpoint signed.");
            return true;
        }

        var first = report.First!;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"TAMPERED: first difference at sequence {first.Sequence} ({first.Kind}): {first.Detail}"));
        foreach (var finding in report.Findings.Where(finding => finding != first).OrderBy(finding => finding.Sequence).Take(20))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  also at sequence {finding.Sequence} ({finding.Kind}): {finding.Detail}"));
        }

        return false;
    }
}

public sealed class VerifyProofInput : NetCoreInput
{
    [Description("The proof file: an inclusion proof (with its event) or a consistency proof, as the API returned it.")]
    public string Proof { get; set; } = "";

    [Description("The checkpoint the proof is against (for a consistency proof, the newer one).")]
    public string CheckpointFlag { get; set; } = "";

    [Description("For a consistency proof: the older checkpoint.")]
    public string? OldCheckpointFlag { get; set; }

    [Description("The service's public key (PEM), as GET /api/ledger/public-key gave it.")]
    public string PublicKeyFlag { get; set; } = "";
}

[Description("Verify an inclusion or consistency proof offline: no database, no network, only the files.", Name = "verify-proof")]
public sealed class VerifyProofCommand : JasperFxAsyncCommand<VerifyProofInput>
{
    public override async Task<bool> Execute(VerifyProofInput input)
    {
        var (ok, message) = await ProofCheck.RunAsync(input.Proof, input.CheckpointFlag, input.OldCheckpointFlag, input.PublicKeyFlag);
        Console.WriteLine(ok ? $"OK: {message}" : $"FAILED: {message}");
        return ok;
    }
}

/// <summary>The offline checks behind verify-proof, apart from the console for tests.</summary>
public static class ProofCheck
{
    public static async Task<(bool Ok, string Message)> RunAsync(string proofFile, string checkpointFile, string? oldCheckpointFile, string publicKeyFile)
    {
        using var key = LedgerKey.PublicKeyFrom(await File.ReadAllTextAsync(publicKeyFile));
        var keyId = Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()));
        var checkpoint = await ReadAsync<Checkpoint>(checkpointFile);
        if (checkpoint.KeyId != keyId || !checkpoint.IsSignedBy(key))
        {
            return (false, $"{checkpointFile} is not signed by this public key.");
        }

        using var proof = JsonDocument.Parse(await File.ReadAllTextAsync(proofFile));
        if (proof.RootElement.TryGetProperty("event", out _))
        {
            var inclusion = proof.RootElement.Deserialize<InclusionProof>(SampleLoader.Json)!;
            var leaf = LedgerEvent.From(inclusion.Event.Deserialize<LoggedEvent>(SampleLoader.Json)!).LeafHash();
            if (Convert.ToBase64String(leaf) != inclusion.LeafHash)
            {
                return (false, $"the event in {proofFile} does not hash to the proof's leaf: it is not the event that was recorded.");
            }

            if (inclusion.TreeSize != checkpoint.TreeSize)
            {
                return (false, $"the proof is for tree size {inclusion.TreeSize}, the checkpoint for {checkpoint.TreeSize}.");
            }

            return Merkle.VerifyInclusion(inclusion.LeafIndex, checkpoint.TreeSize, leaf, [.. inclusion.Proof.Select(Convert.FromBase64String)], checkpoint.Root())
                ? (true, $"event {inclusion.Sequence} is leaf {inclusion.LeafIndex} of the tree of {checkpoint.TreeSize} signed at {checkpoint.CreatedAt:u}.")
                : (false, $"the proof does not lead from event {inclusion.Sequence} to the checkpoint's root.");
        }

        var consistency = proof.RootElement.Deserialize<ConsistencyProof>(SampleLoader.Json)!;
        if (oldCheckpointFile is null)
        {
            return (false, "a consistency proof needs the older checkpoint too (--old-checkpoint).");
        }

        var old = await ReadAsync<Checkpoint>(oldCheckpointFile);
        if (old.KeyId != keyId || !old.IsSignedBy(key))
        {
            return (false, $"{oldCheckpointFile} is not signed by this public key.");
        }

        if (consistency.From != old.TreeSize || consistency.To != checkpoint.TreeSize)
        {
            return (false, $"the proof goes from {consistency.From} to {consistency.To}, the checkpoints are {old.TreeSize} and {checkpoint.TreeSize}.");
        }

        return Merkle.VerifyConsistency(old.TreeSize, checkpoint.TreeSize, old.Root(), checkpoint.Root(), [.. consistency.Proof.Select(Convert.FromBase64String)])
            ? (true, $"the tree of {checkpoint.TreeSize} extends the tree of {old.TreeSize}: nothing recorded before was changed, removed or reordered.")
            : (false, $"the tree of {checkpoint.TreeSize} does not extend the tree of {old.TreeSize}: the history was rewritten.");
    }

    private static async Task<T> ReadAsync<T>(string file) =>
        JsonSerializer.Deserialize<T>(await File.ReadAllTextAsync(file), SampleLoader.Json) ?? throw new InvalidDataException($"{file} is empty.");
}

public sealed class LedgerKeyInput : NetCoreInput
{
    [Description("Where to write the new private key (PEM, PKCS#8).")]
    public string OutFlag { get; set; } = "ledger-signing-key.pem";
}

[Description("Make a new ECDSA P-256 key for signing checkpoints (set Ledger:SigningKeyFile to it).", Name = "ledger-key")]
public sealed class LedgerKeyCommand : JasperFxCommand<LedgerKeyInput>
{
    public override bool Execute(LedgerKeyInput input)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        File.WriteAllText(input.OutFlag, key.ExportPkcs8PrivateKeyPem());
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(input.OutFlag, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        Console.WriteLine($"Wrote {input.OutFlag}. Public key:\n{key.ExportSubjectPublicKeyInfoPem()}");
        return true;
    }
}
