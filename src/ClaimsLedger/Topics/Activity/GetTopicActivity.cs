using System.Globalization;
using ClaimsLedger.Infrastructure;
using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using ClaimsLedger.Statements;
using ClaimsLedger.Statements.GettingDetails;
using ClaimsLedger.Statements.History;
using ClaimsLedger.Topics.GettingDetails;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClaimsLedger.Topics.Activity;

public static class GetTopicActivityEndpoint
{
    private const string StatedTimeFormats = "\"2016\", \"2016-01\", \"2016-01-27\" or an instant with offset";

    public static ProblemDetails Validate(string? bucket, string? from, string? to, string? asOf, string? knownAt)
    {
        if (bucket is not null && !TryReadBucket(bucket, out _))
        {
            return Problems.Invalid("bucket", "bucket must be \"day\" or \"week\".");
        }

        StatedTime? start = null, end = null;
        foreach (var (field, text) in new[] { ("from", from), ("to", to) })
        {
            if (text is null)
            {
                continue;
            }

            if (!StatedTime.TryParse(text, out var parsed))
            {
                return Problems.Invalid(field, $"{field} must be a stated time: {StatedTimeFormats}.");
            }

            if (parsed.Start.Year >= 9999)
            {
                return Problems.Invalid(field, $"{field} must be before the year 9999.");
            }

            if (field == "from")
            {
                start = parsed;
            }
            else
            {
                end = parsed;
            }
        }

        if (start is { } first && end is { } last)
        {
            if (ActivityRange.LastDay(last) < ActivityRange.FirstDay(first))
            {
                return Problems.Invalid("to", "to must not be before from.");
            }

            TryReadBucket(bucket, out var size);
            var range = new ActivityRange(size, first, last);
            var count = range.Count(ActivityRange.FirstDay(first), ActivityRange.LastDay(last));
            if (count > ActivityRange.MaxBuckets)
            {
                return TooManyBuckets(range, count);
            }
        }

        return TimeTravel.Read(asOf, knownAt, out _);
    }

    /// <summary>
    /// How much was said on a topic over time: per bucket of stated time (<c>bucket=day</c>, the default, or
    /// <c>week</c>: ISO weeks, Monday to Sunday; days and weeks in UTC), the statements on the topic (withdrawn ones
    /// left out, retracted ones counted), how many were assessed (have a stance on this topic), how many were
    /// retracted, and the distinct speakers. Buckets run in order from the first statement's to the last one's, empty
    /// buckets included; <c>from</c> and <c>to</c> (stated times) choose the first bucket (the one holding from's
    /// start) and the last (the one holding to's end) instead; more than 1,000 buckets is a 400. Statements whose
    /// stated time is coarser than the bucket (a month such as "2016-01", or a year) are not put in any bucket: they are
    /// counted apart in <c>imprecise</c>, one entry per stated period that overlaps the buckets. <c>asOf</c> counts
    /// only what had been stated by then, without retractions made later; <c>knownAt</c>, what had been recorded by
    /// then, each statement as it then stood. Unknown topic: 404.
    /// </summary>
    [WolverineGet("/api/topics/{id}/activity"), RequiresRole(Roles.Reader)]
    [Tags("Topics")]
    [ProducesResponseType<TopicActivityView>(StatusCodes.Status200OK, "application/json")]
    public static async Task<IResult> Get(
        Guid id, string? bucket, string? from, string? to, string? asOf, string? knownAt, IQuerySession session, CancellationToken cancellation)
    {
        var (view, problem) = await ReadAsync(id, bucket, from, to, asOf, knownAt, session, cancellation);
        return view is null ? Results.Problem(problem) : Results.Json(view);
    }

    /// <summary>
    /// The topic's activity as a CSV download, with the same parameters and counts as <c>GET /api/topics/{id}/activity</c>.
    /// Columns: bucket (its first day, a Monday for weeks; or the stated period of imprecise statements), statements,
    /// assessed, retracted, speakers (distinct) and precision: day or week for the buckets, in order, empty ones
    /// included; then month or year for the statements stated too coarsely to be put in a bucket.
    /// </summary>
    [WolverineGet("/api/topics/{id}/activity.csv"), RequiresRole(Roles.Reader)]
    [Tags("Topics")]
    [ProducesResponseType<string>(StatusCodes.Status200OK, Csv.MediaType)]
    public static async Task<IResult> GetCsv(
        Guid id, string? bucket, string? from, string? to, string? asOf, string? knownAt, IQuerySession session, CancellationToken cancellation)
    {
        var (view, problem) = await ReadAsync(id, bucket, from, to, asOf, knownAt, session, cancellation);
        if (view is null)
        {
            return Results.Problem(problem);
        }

        var size = view.Bucket == BucketSize.Day ? "day" : "week";
        var rows = view.Buckets
            .Select(b => new[] { b.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Csv.Number(b.Statements), Csv.Number(b.Assessed), Csv.Number(b.Retracted), Csv.Number(b.Speakers), size })
            .Concat(view.Imprecise.Select(i => new[]
            {
                i.Period.ToString(), Csv.Number(i.Statements), Csv.Number(i.Assessed), Csv.Number(i.Retracted), Csv.Number(i.Speakers),
                i.Precision.ToString().ToLowerInvariant(),
            }));
        return Csv.File(Csv.FileName(view.Topic.Title, "activity", size, asOf is null ? null : $"asof-{asOf}", knownAt is null ? null : $"knownat-{knownAt}"),
            ["bucket", "statements", "assessed", "retracted", "speakers", "precision"], rows);
    }

    /// <summary>
    /// Counted in memory from the statement documents rather than in SQL: the counting rests on what C# already
    /// defines and the other views use (stated-time precision and order, <c>asOf</c> on retractions, the
    /// revisions that answer <c>knownAt</c>), which SQL over JSON would have to restate and could come to
    /// disagree with. PostgreSQL narrows the rows to the topic's statements in the stated range (an indexed
    /// column), so memory grows with one topic's statements, not the store's.
    /// </summary>
    private static async Task<(TopicActivityView? View, ProblemDetails Problem)> ReadAsync(
        Guid id, string? bucket, string? from, string? to, string? asOf, string? knownAt, IQuerySession session, CancellationToken cancellation)
    {
        TimeTravel.Read(asOf, knownAt, out var travel);
        TryReadBucket(bucket, out var size);
        var range = new ActivityRange(size, from is null ? null : StatedTime.Parse(from), to is null ? null : StatedTime.Parse(to));

        var topic = await travel.LoadAsync<TopicDetails>(session, id, cancellation);
        if (topic is null)
        {
            return (null, Problems.NotFound("topic", id));
        }

        // A coarse prefilter only: TopicActivity.Of decides exactly. Periods are at most a year long, so
        // anything overlapping the first bucket starts less than a year before it.
        DateTimeOffset? startsAfter = range.From is { } f && f.Start.Year > 1 ? f.Start.AddYears(-1) : null;
        var bounds = new List<DateTimeOffset>();
        if (range.To is { } t)
        {
            var lastBucket = range.BucketOf(ActivityRange.LastDay(t));
            bounds.Add(new DateTimeOffset(lastBucket.AddDays(range.Days).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
        }

        if (travel.AsOf is { } stated)
        {
            // Inclusive, so an instant asOf keeps what was stated at that very instant.
            bounds.Add(stated.Precision == TimePrecision.Instant ? stated.Start : stated.End);
        }

        DateTimeOffset? startsBy = bounds.Count == 0 ? null : bounds.Min();

        IReadOnlyList<StatementDetails> statements;
        if (travel.KnownAt is { } knownBy)
        {
            var revisions = session.Query<StatementRevision>()
                .Where(revision => revision.KnownFrom <= knownBy && (revision.KnownUntil == null || revision.KnownUntil > knownBy))
                .Where(revision => revision.Status != StatementStatus.Withdrawn && revision.Statement.TopicIds.Contains(id));
            if (startsAfter is { } after)
            {
                revisions = revisions.Where(revision => revision.StatedStart >= after);
            }

            if (startsBy is { } by)
            {
                revisions = revisions.Where(revision => revision.StatedStart <= by);
            }

            statements = [.. (await revisions.ToListAsync(cancellation)).Select(revision => revision.Statement)];
        }
        else
        {
            var query = session.Query<StatementDetails>()
                .Where(details => details.Status != StatementStatus.Withdrawn && details.TopicIds.Contains(id));
            if (startsAfter is { } after)
            {
                query = query.Where(details => details.StatedStart >= after);
            }

            if (startsBy is { } by)
            {
                query = query.Where(details => details.StatedStart <= by);
            }

            statements = await query.ToListAsync(cancellation);
        }

        var (view, buckets) = TopicActivity.Of(new ActivityTopic(topic.Id, topic.Title), range, travel, statements);
        return view is null ? (null, TooManyBuckets(range, buckets)) : (view, Problems.None);
    }

    private static bool TryReadBucket(string? text, out BucketSize size)
    {
        size = BucketSize.Day;
        switch (text)
        {
            case null or "day":
                return true;
            case "week":
                size = BucketSize.Week;
                return true;
            default:
                return false;
        }
    }

    private static ProblemDetails TooManyBuckets(ActivityRange range, long count)
    {
        var unit = range.Size == BucketSize.Day ? "day" : "week";
        return Problems.Invalid("bucket", string.Create(CultureInfo.InvariantCulture,
            $"That range holds {count:N0} {unit} buckets; at most {ActivityRange.MaxBuckets:N0} can be asked for at once. Ask for bucket=week, or a narrower range with from and to."));
    }
}
