using System.Globalization;
using ClaimsLedger.Infrastructure;
using ClaimsLedger.Statements;
using ClaimsLedger.Statements.GettingDetails;

namespace ClaimsLedger.Topics.Activity;

/// <summary>How long one bucket of topic activity is.</summary>
public enum BucketSize
{
    /// <summary>A UTC calendar day.</summary>
    Day,

    /// <summary>An ISO 8601 week: Monday to Sunday, UTC.</summary>
    Week,
}

/// <summary>One bucket: the statements on the topic whose stated time falls in <c>[Start, End)</c>.</summary>
/// <param name="Start">First day of the bucket.</param>
/// <param name="End">First day after it.</param>
/// <param name="Label">The day ("2016-01-27") or the ISO week ("2016-W04").</param>
/// <param name="Statements">The statements on the topic, retracted ones included (withdrawn ones never).</param>
/// <param name="Assessed">Those with a stance assessed on this topic.</param>
/// <param name="Retracted">Those the speaker walked back.</param>
/// <param name="Speakers">How many distinct speakers made them.</param>
/// <param name="SpeakerIds">Those speakers.</param>
public sealed record ActivityBucket(
    DateOnly Start,
    DateOnly End,
    string Label,
    int Statements,
    int Assessed,
    int Retracted,
    int Speakers,
    IReadOnlyList<Guid> SpeakerIds);

/// <summary>
/// Statements known only to a period coarser than the bucket ("2016-01" when counting by day or week): they
/// cannot be put in one bucket without inventing a date, so they are counted here, per stated period.
/// </summary>
/// <param name="Period">The stated period as recorded: "2016-01", "2016".</param>
/// <param name="Precision">month or year.</param>
/// <param name="Statements">The statements on the topic stated so, retracted ones included (withdrawn ones never).</param>
/// <param name="Assessed">Those with a stance assessed on this topic.</param>
/// <param name="Retracted">Those the speaker walked back.</param>
/// <param name="Speakers">How many distinct speakers made them.</param>
/// <param name="SpeakerIds">Those speakers.</param>
public sealed record ImpreciseActivity(
    StatedTime Period,
    TimePrecision Precision,
    int Statements,
    int Assessed,
    int Retracted,
    int Speakers,
    IReadOnlyList<Guid> SpeakerIds);

public sealed record ActivityTopic(Guid Id, string Title);

/// <summary>A topic's activity over stated time: consecutive buckets, empty ones included, and the imprecise statements apart.</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Bucket">day or week.</param>
/// <param name="Start">First day of the first bucket; null when there are no buckets.</param>
/// <param name="End">First day after the last bucket; null when there are no buckets.</param>
/// <param name="Buckets">In order, empty ones included.</param>
/// <param name="Imprecise">Statements stated too coarsely for a bucket, per stated period, in stated order.</param>
public sealed record TopicActivityView(
    ActivityTopic Topic,
    BucketSize Bucket,
    DateOnly? Start,
    DateOnly? End,
    IReadOnlyList<ActivityBucket> Buckets,
    IReadOnlyList<ImpreciseActivity> Imprecise);

/// <summary>The buckets asked for: their size, and the stated periods whose start and end choose the first and last bucket.</summary>
public sealed record ActivityRange(BucketSize Size, StatedTime? From, StatedTime? To)
{
    /// <summary>More buckets than this in one answer is refused (400): a chart cannot show them, and a year of days is 366.</summary>
    public const int MaxBuckets = 1_000;

    /// <summary>The bucket holding <paramref name="day"/>: the day itself, or the Monday of its ISO week.</summary>
    public DateOnly BucketOf(DateOnly day) => Size == BucketSize.Day ? day : day.AddDays(-(((int)day.DayOfWeek + 6) % 7));

    public DateOnly BucketOf(DateTimeOffset instant) => BucketOf(DateOnly.FromDateTime(instant.UtcDateTime));

    public int Days => Size == BucketSize.Day ? 1 : 7;

    /// <summary>How many buckets from the one holding <paramref name="first"/> to the one holding <paramref name="last"/>, both included.</summary>
    public long Count(DateOnly first, DateOnly last) => ((long)BucketOf(last).DayNumber - BucketOf(first).DayNumber) / Days + 1;

    /// <summary>Whether a statement so stated fits in one bucket: an instant or a day does, a month or a year does not.</summary>
    public static bool FitsABucket(StatedTime stated) => stated.Precision is TimePrecision.Instant or TimePrecision.Day;

    /// <summary>The first day of a stated period (UTC).</summary>
    public static DateOnly FirstDay(StatedTime stated) => DateOnly.FromDateTime(stated.Start.UtcDateTime);

    /// <summary>The last day a stated period touches (UTC), computed without its end, which overflows for the year 9999.</summary>
    public static DateOnly LastDay(StatedTime stated)
    {
        var first = FirstDay(stated);
        return stated.Precision switch
        {
            TimePrecision.Year => new DateOnly(first.Year, 12, 31),
            TimePrecision.Month => new DateOnly(first.Year, first.Month, DateTime.DaysInMonth(first.Year, first.Month)),
            _ => first,
        };
    }

    public string LabelOf(DateOnly start) => Size == BucketSize.Day
        ? start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture,
            $"{ISOWeek.GetYear(start.ToDateTime(TimeOnly.MinValue))}-W{ISOWeek.GetWeekOfYear(start.ToDateTime(TimeOnly.MinValue)):D2}");
}

public static class TopicActivity
{
    /// <summary>
    /// Counts <paramref name="statements"/> (each as it stood at the moment asked about, see
    /// <see cref="StatementDetails.AsOf"/>) into buckets of stated time. Withdrawn statements, statements not
    /// on the topic and statements not yet stated as of <paramref name="travel"/> are left out here, whatever
    /// the query that found them did.
    /// <para>
    /// The buckets run from <see cref="ActivityRange.From"/>'s bucket (else the first precisely stated
    /// statement's) to <see cref="ActivityRange.To"/>'s (else the last one's), empty buckets included. A statement
    /// stated to the month or year goes to <see cref="TopicActivityView.Imprecise"/> when its period overlaps
    /// those buckets (all of them when there are none).
    /// </para>
    /// </summary>
    /// <returns>The view, or null with the number of buckets when that would be more than <see cref="ActivityRange.MaxBuckets"/>.</returns>
    public static (TopicActivityView? View, long Buckets) Of(ActivityTopic topic, ActivityRange range, TimeTravel travel, IEnumerable<StatementDetails> statements)
    {
        var onTopic = statements
            .Where(statement => statement.Status != StatementStatus.Withdrawn && statement.TopicIds.Contains(topic.Id))
            .Where(statement => travel.HasBeenStated(statement.StatedAt))
            .Select(statement => statement.AsOf(travel))
            .ToList();
        var precise = onTopic.Where(statement => ActivityRange.FitsABucket(statement.StatedAt)).ToList();

        DateOnly? first = range.From is { } from ? range.BucketOf(ActivityRange.FirstDay(from)) : null;
        DateOnly? last = range.To is { } to ? range.BucketOf(ActivityRange.LastDay(to)) : null;
        if (precise.Count > 0)
        {
            var earliest = range.BucketOf(precise.Min(statement => statement.StatedStart));
            var latest = range.BucketOf(precise.Max(statement => statement.StatedStart));
            first ??= last is { } end && end < earliest ? end : earliest;
            last ??= latest < first ? first : latest;
        }
        else
        {
            first ??= last;
            last ??= first;
        }

        var buckets = new List<ActivityBucket>();
        if (first is { } firstBucket && last is { } lastBucket)
        {
            var count = range.Count(firstBucket, lastBucket);
            if (count > ActivityRange.MaxBuckets)
            {
                return (null, count);
            }

            var byBucket = precise.ToLookup(statement => range.BucketOf(statement.StatedStart));
            for (var start = firstBucket; start <= lastBucket; start = start.AddDays(range.Days))
            {
                var counted = Count(topic.Id, byBucket[start]);
                buckets.Add(new ActivityBucket(start, start.AddDays(range.Days), range.LabelOf(start),
                    counted.Statements, counted.Assessed, counted.Retracted, counted.SpeakerIds.Count, counted.SpeakerIds));
            }
        }

        var (rangeStart, rangeEnd) = buckets.Count == 0 ? ((DateOnly?)null, (DateOnly?)null) : (buckets[0].Start, buckets[^1].End);
        var imprecise = onTopic
            .Where(statement => !ActivityRange.FitsABucket(statement.StatedAt))
            .Where(statement => rangeStart is null ||
                                (ActivityRange.FirstDay(statement.StatedAt) < rangeEnd && ActivityRange.LastDay(statement.StatedAt) >= rangeStart))
            .GroupBy(statement => statement.StatedAt)
            .OrderBy(group => group.Key)
            .Select(group =>
            {
                var counted = Count(topic.Id, group);
                return new ImpreciseActivity(group.Key, group.Key.Precision, counted.Statements, counted.Assessed, counted.Retracted,
                    counted.SpeakerIds.Count, counted.SpeakerIds);
            })
            .ToList();

        return (new TopicActivityView(topic, range.Size, rangeStart, rangeEnd, buckets, imprecise), buckets.Count);
    }

    private static (int Statements, int Assessed, int Retracted, IReadOnlyList<Guid> SpeakerIds) Count(Guid topicId, IEnumerable<StatementDetails> statements)
    {
        var all = statements.ToList();
        return (
            all.Count,
            all.Count(statement => statement.Stances.Any(reading => reading.TopicId == topicId)),
            all.Count(statement => statement.Status == StatementStatus.Retracted),
            [.. all.Select(statement => statement.Attribution.SpeakerId).Distinct().Order()]);
    }
}
