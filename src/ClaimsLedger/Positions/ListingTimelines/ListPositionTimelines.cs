using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
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
        string? after = null;
        if (cursor is not null && !TryDecode(cursor, out after))
        {
            return Results.Problem(Problems.Invalid("cursor", "cursor is not one this service issued for this list."));
        }

        var rows = await session.AdvancedSql.QueryAsync<ListedTimeline>(Sql(session, actorId, topicId, after), cancellation,
            new { actor = actorId, topic = topicId, after, take = take + 1 });
        var items = rows.Take(take).Select(Summarize).ToList();
        var next = rows.Count > take ? Base64Url.EncodeToString(Encoding.UTF8.GetBytes(items[^1].Id)) : null;
        return Results.Json(new Page<TimelineSummary>(items, next));
    }

    /// <summary>A timeline with what its entries in force say: how many, and the stance of the latest standing one.</summary>
    private sealed record ListedTimeline(PositionTimeline Timeline, int Statements, string? LatestStance);

    /// <summary>
    /// One page of timelines that have entries, in id order: the count and the latest standing (not retracted) stance come
    /// from each timeline's revisions in force, read along <see cref="Configuration.CurrentEntriesIndexName"/>.
    /// </summary>
    private static string Sql(IQuerySession session, Guid? actorId, Guid? topicId, string? after)
    {
        var timelines = session.DocumentStore.Options.Schema.For<PositionTimeline>();
        var revisions = session.DocumentStore.Options.Schema.For<TimelineRevision>();
        var sql = new StringBuilder()
            .Append("select jsonb_build_object('timeline', t.data, 'statements', entries.statements, 'latestStance', (")
            .Append("select r.data -> 'entry' ->> 'stance' from ").Append(revisions).Append(" as r")
            .Append(" where r.timeline_id = t.id and r.known_until is null")
            .Append(" and coalesce(r.data -> 'entry' -> 'retraction', 'null'::jsonb) = 'null'::jsonb")
            .Append(" order by r.data ->> 'statedOrder' desc limit 1)) from ").Append(timelines).Append(" as t")
            .Append(" cross join lateral (select count(*) as statements from ").Append(revisions)
            .Append(" as r where r.timeline_id = t.id and r.known_until is null) as entries where entries.statements > 0");
        if (actorId is not null)
        {
            sql.Append(" and t.data -> 'actor' ->> 'id' = :actor::text");
        }

        if (topicId is not null)
        {
            sql.Append(" and t.data ->> 'topicId' = :topic::text");
        }

        if (after is not null)
        {
            sql.Append(" and t.id > :after");
        }

        return sql.Append(" order by t.id limit :take").ToString();
    }

    private static TimelineSummary Summarize(ListedTimeline listed)
    {
        var timeline = listed.Timeline;
        var kind = timeline.Actor.Kind == ActorKind.Speaker ? "speakers" : "organizations";
        return new TimelineSummary(timeline.Id, timeline.Actor, timeline.TopicId, listed.Statements, listed.LatestStance,
            $"/api/positions/{kind}/{timeline.Actor.Id}/topics/{timeline.TopicId}");
    }

    private static bool TryDecode(string cursor, [NotNullWhen(true)] out string? after)
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
