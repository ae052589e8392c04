using Wolverine.Http;

namespace ClaimsLedger.Infrastructure.Http;

/// <summary>201 Created: where the new resource lives, and its id.</summary>
public sealed record Created(string Url, Guid Id) : CreationResponse(Url);

/// <summary>
/// The answer to a change on an existing stream: the version to send with the next change.
/// <paramref name="Changed"/> is false when the resource already was as asked (nothing appended).
/// </summary>
public sealed record ChangeAccepted(Guid Id, long Version, bool Changed)
{
    public static ChangeAccepted For(Guid id, long expectedVersion, int appended) =>
        new(id, expectedVersion + appended, appended > 0);
}
