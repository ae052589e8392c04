using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClaimsLedger.Ledger.Checkpointing;

/// <summary>The key checkpoints are signed with.</summary>
/// <param name="KeyId">SHA-256 of the SubjectPublicKeyInfo, hex: checkpoints name their key by it.</param>
/// <param name="Algorithm">The signature scheme.</param>
/// <param name="PublicKeyPem">The public key, PEM (SubjectPublicKeyInfo).</param>
public sealed record PublicKey(string KeyId, string Algorithm, string PublicKeyPem);

public static class CheckpointEndpoints
{
    /// <summary>The public key that verifies checkpoint signatures. Keep a copy with your saved checkpoints.</summary>
    [WolverineGet("/api/ledger/public-key"), RequiresRole(Roles.Auditor)]
    [Tags("Ledger")]
    public static PublicKey GetPublicKey(LedgerKey key) =>
        new(key.KeyId, "ECDSA P-256, SHA-256, IEEE P1363 (r||s) signature", key.PublicKeyPem);

    /// <summary>The latest checkpoint (signed tree head): save it outside the database to check the log against later.</summary>
    [WolverineGet("/api/ledger/checkpoints/latest"), RequiresRole(Roles.Auditor)]
    [Tags("Ledger")]
    [ProducesResponseType<Checkpoint>(StatusCodes.Status200OK, "application/json")]
    public static async Task<IResult> GetLatest(Checkpoints checkpoints, CancellationToken cancellation) =>
        await checkpoints.LatestAsync(cancellation) is { } latest
            ? Results.Json(latest)
            : Results.Problem(Problems.NotYet("checkpoint", "latest", "none has been issued yet"));

    public static ProblemDetails Validate(long? after, int? limit) =>
        after is < 0 ? Problems.Invalid("after", "after is a tree size, not negative.") : Pagination.Check(limit, null);

    /// <summary>Checkpoints in tree-size order; page with <c>after</c> (the last tree size you have) and <c>limit</c>.</summary>
    [WolverineGet("/api/ledger/checkpoints"), RequiresRole(Roles.Auditor)]
    [Tags("Ledger")]
    public static async Task<Page<Checkpoint>> GetList(long? after, int? limit, Checkpoints checkpoints, CancellationToken cancellation)
    {
        var take = limit ?? Pagination.DefaultLimit;
        var found = await checkpoints.ListAsync(after ?? 0, take + 1, cancellation);
        return found.Count > take
            ? new Page<Checkpoint>([.. found.Take(take)], found[take - 1].TreeSize.ToString(System.Globalization.CultureInfo.InvariantCulture))
            : new Page<Checkpoint>(found, null);
    }

    /// <summary>Issue a checkpoint now (checkpoints are also issued on a schedule). Returns the current one if the tree has not grown.</summary>
    [WolverinePost("/api/ledger/checkpoints"), RequiresRole(Roles.Auditor)]
    [Tags("Ledger")]
    [ProducesResponseType<Checkpoint>(StatusCodes.Status200OK, "application/json")]
    public static async Task<IResult> Post(Checkpoints checkpoints, CancellationToken cancellation) =>
        await checkpoints.IssueAsync(cancellation) is { } issued
            ? Results.Json(issued)
            : Results.Problem(Problems.Conflict("The ledger is empty: there is nothing to sign yet.", "Nothing to checkpoint."));
}
