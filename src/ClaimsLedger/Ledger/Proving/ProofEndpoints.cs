using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using ClaimsLedger.Ledger.Checkpointing;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClaimsLedger.Ledger.Proving;

public static class ProofEndpoints
{
    /// <summary>
    /// Proof that the event with this sequence number is leaf n of the tree of <c>treeSize</c> leaves
    /// (default: the latest checkpoint's), with the event itself so the leaf can be recomputed offline.
    /// </summary>
    [WolverineGet("/api/ledger/proofs/inclusion"), RequiresRole(Roles.Auditor)]
    [Tags("Ledger")]
    [ProducesResponseType<InclusionProof>(StatusCodes.Status200OK, "application/json")]
    public static async Task<IResult> GetInclusion(long? sequence, long? treeSize, Proofs proofs, Checkpoints checkpoints, CancellationToken cancellation)
    {
        if (sequence is not { } wanted || wanted < 1)
        {
            return Results.Problem(Problems.Invalid("sequence", "sequence (a positive event sequence number) is required."));
        }

        var size = treeSize ?? (await checkpoints.LatestAsync(cancellation))?.TreeSize;
        if (size is null)
        {
            return Results.Problem(Problems.Unprocessable("treeSize", "No checkpoint exists yet: give treeSize, or issue a checkpoint first."));
        }

        var (proof, refusal) = await proofs.InclusionAsync(wanted, size.Value, cancellation);
        return proof is not null ? Results.Json(proof) : Refuse(refusal!);
    }

    /// <summary>Proof that the tree of <c>to</c> leaves extends the tree of <c>from</c> leaves (two checkpoints' sizes).</summary>
    [WolverineGet("/api/ledger/proofs/consistency"), RequiresRole(Roles.Auditor)]
    [Tags("Ledger")]
    [ProducesResponseType<ConsistencyProof>(StatusCodes.Status200OK, "application/json")]
    public static async Task<IResult> GetConsistency(long? from, long? to, Proofs proofs, CancellationToken cancellation)
    {
        if (from is null || to is null)
        {
            return Results.Problem(Problems.Invalid(from is null ? "from" : "to", "from and to (two tree sizes) are required."));
        }

        var (proof, refusal) = await proofs.ConsistencyAsync(from.Value, to.Value, cancellation);
        return proof is not null ? Results.Json(proof) : Refuse(refusal!);
    }

    private static IResult Refuse(ProofRefusal refusal) =>
        Results.Problem(refusal.Status == 404
            ? Problems.NotYet("event", refusal.Field, refusal.Message.TrimEnd('.'))
            : Problems.Unprocessable(refusal.Field, refusal.Message));
}
