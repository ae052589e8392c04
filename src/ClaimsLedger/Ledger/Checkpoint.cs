using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ClaimsLedger.Ledger;

/// <summary>
/// A signed tree head: the ledger had <paramref name="TreeSize"/> leaves with root
/// <paramref name="RootHash"/> (base64) at <paramref name="CreatedAt"/>, signed with the key
/// <paramref name="KeyId"/> (ECDSA P-256 over SHA-256, IEEE P1363 r||s, base64). An auditor keeps
/// this small file outside the database; docs/ledger.md shows how to check it.
/// </summary>
public sealed record Checkpoint(string Format, long TreeSize, string RootHash, DateTimeOffset CreatedAt, string KeyId, string Signature)
{
    public const string CurrentFormat = "claimsledger-checkpoint/v1";

    /// <summary>What the signature covers, one field per line.</summary>
    public byte[] SignedBytes() => Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
        $"{Format}\n{TreeSize}\n{RootHash}\n{CreatedAt.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'}\n{KeyId}\n"));

    public bool IsSignedBy(ECDsa publicKey)
    {
        try
        {
            return Format == CurrentFormat &&
                   publicKey.VerifyData(SignedBytes(), Convert.FromBase64String(Signature), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    public byte[] Root() => Convert.FromBase64String(RootHash);
}

/// <summary>The key that signs checkpoints, and the identity auditors check it by.</summary>
public sealed class LedgerKey : IDisposable
{
    public const string PemKey = "Ledger:SigningKey";
    public const string FileKey = "Ledger:SigningKeyFile";

    private LedgerKey(ECDsa key, bool ephemeral)
    {
        Key = key;
        Ephemeral = ephemeral;
        var spki = key.ExportSubjectPublicKeyInfo();
        KeyId = Convert.ToHexStringLower(SHA256.HashData(spki));
        PublicKeyPem = key.ExportSubjectPublicKeyInfoPem();
    }

    public ECDsa Key { get; }

    /// <summary>SHA-256 of the public key's SubjectPublicKeyInfo (hex).</summary>
    public string KeyId { get; }

    public string PublicKeyPem { get; }

    /// <summary>Made up at start because none was configured (development only): its checkpoints outlive it unverifiable.</summary>
    public bool Ephemeral { get; }

    public static LedgerKey From(IConfiguration configuration, IHostEnvironment environment)
    {
        var pem = configuration[PemKey];
        if (pem is null && configuration[FileKey] is { } file)
        {
            pem = File.ReadAllText(file);
        }

        if (pem is not null)
        {
            var key = ECDsa.Create();
            key.ImportFromPem(pem);
            if (key.KeySize != 256)
            {
                throw new InvalidOperationException("The ledger signing key must be ECDSA P-256.");
            }

            return new LedgerKey(key, ephemeral: false);
        }

        return environment.IsDevelopment()
            ? new LedgerKey(ECDsa.Create(ECCurve.NamedCurves.nistP256), ephemeral: true)
            : throw new InvalidOperationException($"Set {FileKey} (a PEM ECDSA P-256 private key; `ledger-key` makes one) or {PemKey}.");
    }

    public static ECDsa PublicKeyFrom(string pem)
    {
        var key = ECDsa.Create();
        key.ImportFromPem(pem);
        return key;
    }

    public Checkpoint Sign(long treeSize, byte[] root, DateTimeOffset createdAt)
    {
        var unsigned = new Checkpoint(Checkpoint.CurrentFormat, treeSize, Convert.ToBase64String(root), createdAt, KeyId, "");
        var signature = Key.SignData(unsigned.SignedBytes(), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return unsigned with { Signature = Convert.ToBase64String(signature) };
    }

    public void Dispose() => Key.Dispose();
}
