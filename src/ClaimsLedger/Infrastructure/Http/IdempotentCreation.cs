using ClaimsLedger.Infrastructure;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClaimsLedger.Infrastructure.Http;

/// <summary>Marks an endpoint that starts a new stream and honours the Idempotency-Key header.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class IdempotentCreationAttribute : Attribute;

/// <summary>The identity a creating request will give its new stream, and where it will live.</summary>
public sealed record NewResource(Guid Id, string Url);

/// <summary>
/// Idempotent creation without a side table: with an Idempotency-Key the new stream's id is
/// derived from (user, route, key), and the first event carries a fingerprint of the request
/// body in its headers. A retry finds the stream, compares fingerprints, and answers the
/// same 201 without appending; the same key with another body is refused with 422. Two
/// racing retries collide on the stream id, and the loser gets 409.
/// </summary>
public static class IdempotentCreation
{
    public const string Header = "Idempotency-Key";
    public const string KeyHeader = "idempotency-key";
    public const string FingerprintHeader = "request-sha256";
    public const int MaxKeyLength = 128;

    public static async Task<(NewResource, IResult)> BeforeAsync(HttpContext context, IDocumentSession session, LedgerClock clock)
    {
        var url = $"{context.Request.PathBase}{context.Request.Path}".TrimEnd('/');
        var key = context.Request.Headers[Header].ToString();
        if (key.Length == 0)
        {
            var fresh = Guid.CreateVersion7(clock.Now);
            return (new NewResource(fresh, $"{url}/{fresh}"), WolverineContinue.Result());
        }

        if (key.Length > MaxKeyLength || key.Any(c => c is < '!' or > '~'))
        {
            return (Unused, ProblemResult(Problems.Invalid(Header,
                $"{Header} must be 1 to {MaxKeyLength} visible ASCII characters.")));
        }

        var user = context.User.FindFirstValue("sub") ?? context.User.Identity?.Name ?? "";
        var id = DeriveId(user, url, key);
        var stream = new NewResource(id, $"{url}/{id}");
        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(BufferedBody.Of(context)));

        var existing = await session.Events.FetchStreamAsync(id, version: 1, token: context.RequestAborted);
        if (existing.Count == 0)
        {
            session.SetHeader(KeyHeader, key);
            session.SetHeader(FingerprintHeader, fingerprint);
            return (stream, WolverineContinue.Result());
        }

        var recorded = existing[0].Headers?.GetValueOrDefault(FingerprintHeader)?.ToString();
        if (!string.Equals(recorded, fingerprint, StringComparison.Ordinal))
        {
            return (Unused, ProblemResult(Problems.Unprocessable(Header,
                "This Idempotency-Key was already used with a different request body. Use a new key for a new request.")));
        }

        context.Response.Headers["Idempotent-Replayed"] = "true";
        return (stream, Results.Created(stream.Url, new Created(stream.Url, stream.Id)));
    }

    /// <summary>A name-based UUID (RFC 9562 version 8) over SHA-256 of the request's identity.</summary>
    public static Guid DeriveId(string user, string route, string key)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"claimsledger/idempotency/v1\n{user}\n{route}\n{key}"));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }

    private static readonly NewResource Unused = new(Guid.Empty, "");

    private static IResult ProblemResult(ProblemDetails problem) => Results.Problem(problem);
}

/// <summary>The request body as <see cref="BodySizeLimit"/> buffered it.</summary>
public static class BufferedBody
{
    private static readonly object Key = new();

    public static void Keep(HttpContext context, MemoryStream body) => context.Items[Key] = body;

    public static ReadOnlySpan<byte> Of(HttpContext context) =>
        context.Items[Key] is MemoryStream body ? body.GetBuffer().AsSpan(0, (int)body.Length) : [];
}
