using System.Buffers.Text;
using System.Text;
using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClaimsLedger.Positions.ListingTimelines;

/// <summary>A timeline in a list: whose, on what, how many statements, and the latest stance key.</summary>
public sealed record TimelineSummary(string Id, ActorRef Actor, Guid TopicId, int Statements, string? LatestStance, string Url);

public static class ListPositionTimelinesEndpoint
{
    public static ProblemDetails Validate(int? limit, string? cursor) => Pagination.Check(limit, cursor);

    /// <summary>The position timelines there are, optionally for one actor or one topic.</summary>
    [WolverineGet("/api/positions"), RequiresRole(Roles.Reader)]
    [Tags("Positions")]
    public static async Task<IResult> Get(Guid? actorId, Guid? topicId, int? limit, string? cursor, IQuerySession session, CancellationToken cancellation)
    {
        var take = limit ?? Pagination.DefaultLimit;
        var query = session.Query<PositionTimeline>().Where(timeline => timeline.Entries.Any());
        if (actorId is { } actor)
        {
            query = query.Where(timeline => timeline.Actor.Id == actor);
        }

        if (topicId is { } topic)
        {
            query = query.Where(timeline => timeline.TopicId == topic);
        }

        if (cursor is not null)
        {
            if (!TryDecode(cursor, out var after))
            {
                return Results.Problem(Problems.Invalid("cursor", "cursor is not one this service issued for this list."));
            }

            query = query.Where(timeline => timeline.Id.CompareTo(after) > 0);
        }

        var rows = await query.OrderBy(timeline => timeline.Id).Take(take + 1).ToListAsync(cancellation);
        var items = rows.Take(take).Select(Summarize).ToList();
        var next = rows.Count > take ? Base64Url.EncodeToString(Encoding.UTF8.GetBytes(items[^1].Id)) : null;
        return Results.Json(new Page<TimelineSummary>(items, next));
    }

    private static TimelineSummary Summarize(PositionTimeline timeline)
    {
        var kind = timeline.Actor.Kind == ActorKind.Speaker ? "speakers" : "organizations";
        var latest = timeline.Entries.LastOrDefault(entry => entry.Retraction is null);
        return new TimelineSummary(timeline.Id, timeline.Actor, timeline.TopicId, timeline.Entries.Count, latest?.Stance,
            $"/api/positions/{kind}/{timeline.Actor.Id}/topics/{timeline.TopicId}");
    }

    private static bool TryDecode(string cursor, out string after)
    {
        after = "";
        try
        {
            after = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            return after.Length is > 0 and < 200;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
