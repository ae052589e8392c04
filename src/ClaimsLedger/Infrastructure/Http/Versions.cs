using JasperFx.Events;
using Microsoft.AspNetCore.Mvc;

namespace ClaimsLedger.Infrastructure.Http;

/// <summary>
/// Optimistic concurrency on every change to an existing stream: the client sends the version it
/// last read. A stale version is refused here, after the stream is loaded and the request checked;
/// a change that races in between is refused at commit by Marten (both answer 409).
/// </summary>
public static class Versions
{
    public static ProblemDetails Check<T>(long expectedVersion, IEventStream<T> stream)
        where T : notnull
    {
        var current = stream.StartingVersion ?? 0;
        if (expectedVersion == current)
        {
            return Problems.None;
        }

        var problem = Problems.Conflict(
            $"You sent expectedVersion {expectedVersion}, but it is at version {current}: someone changed it after you read it. Read it again.",
            "Stale version.");
        problem.Extensions["currentVersion"] = current;
        return problem;
    }
}
