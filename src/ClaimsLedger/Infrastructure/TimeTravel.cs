using ClaimsLedger.Infrastructure.Http;
using Marten;
using Microsoft.AspNetCore.Mvc;

namespace ClaimsLedger.Infrastructure;

/// <summary>
/// The two time axes a view can be asked about (DESIGN.md section 3).
/// <list type="bullet">
/// <item><c>asOf</c> (stated time): the world as it was then: statements stated after it, retractions
/// and role changes made after it, do not count yet. A statement counts from the start of its
/// stated period, so "2016-01" counts as of 25 January 2016, consistent with the timeline's order.</item>
/// <item><c>knownAt</c> (recorded time): only what had been appended by then; a date or a month means
/// its end ("as known on 26 January" includes everything recorded that day).</item>
/// </list>
/// </summary>
public sealed record TimeTravel(StatedTime? AsOf, DateTimeOffset? KnownAt)
{
    public static readonly TimeTravel Live = new(null, null);

    public bool IsLive => AsOf is null && KnownAt is null;

    /// <summary>A period in the year 9999 has no end a <see cref="DateTimeOffset"/> can hold: such moments are refused.</summary>
    private const int LastYear = 9999;

    /// <summary>Reads the <c>asOf</c> and <c>knownAt</c> query parameters; a problem names the bad one.</summary>
    public static ProblemDetails Read(string? asOf, string? knownAt, out TimeTravel travel)
    {
        travel = Live;
        StatedTime? statedBound = null;
        DateTimeOffset? recordedBound = null;
        if (asOf is not null)
        {
            if (!StatedTime.TryParse(asOf, out var parsed))
            {
                return Problems.Invalid("asOf", "asOf must be a stated time: \"2016\", \"2016-01\", \"2016-01-25\" or an instant with offset.");
            }

            if (parsed.Start.Year >= LastYear)
            {
                return Problems.Invalid("asOf", $"asOf must be before the year {LastYear}.");
            }

            statedBound = parsed;
        }

        if (knownAt is not null)
        {
            if (!StatedTime.TryParse(knownAt, out var parsed))
            {
                return Problems.Invalid("knownAt", "knownAt must be a moment: \"2016-01-26\", \"2016-01\" or an instant with offset (\"2026-11-24T20:00:00Z\").");
            }

            if (parsed.Start.Year >= LastYear)
            {
                return Problems.Invalid("knownAt", $"knownAt must be before the year {LastYear}.");
            }

            recordedBound = parsed.Precision == TimePrecision.Instant ? parsed.Start : parsed.End.AddTicks(-1);
        }

        travel = new TimeTravel(statedBound, recordedBound);
        return Problems.None;
    }

    /// <summary>Whether something stated at <paramref name="stated"/> had been stated as of <see cref="AsOf"/>.</summary>
    public bool HasBeenStated(StatedTime stated) =>
        AsOf is not { } bound || (bound.Precision == TimePrecision.Instant ? stated.Start <= bound.Start : stated.Start < bound.End);

    /// <summary>Whether something recorded at <paramref name="recorded"/> was known at <see cref="KnownAt"/>.</summary>
    public bool WasKnown(DateTimeOffset recorded) => KnownAt is not { } bound || recorded <= bound;

    /// <summary>
    /// The state of one stream as known at <see cref="KnownAt"/>: the stored inline view when live,
    /// else Marten's live aggregation of the stream's events recorded by then.
    /// </summary>
    public Task<T?> LoadAsync<T>(IQuerySession session, Guid id, CancellationToken cancellation)
        where T : class =>
        KnownAt is { } bound
            ? session.Events.AggregateStreamAsync<T>(id, timestamp: bound, token: cancellation)
            : session.LoadAsync<T>(id, cancellation);

    /// <summary>One stream's view at this moment as the HTTP answer: 404 when it did not exist, else <paramref name="asOf"/> of it.</summary>
    public async Task<IResult> AnswerAsync<T>(IQuerySession session, Guid id, string what, Func<T, T> asOf, CancellationToken cancellation)
        where T : class =>
        await LoadAsync<T>(session, id, cancellation) is { } found
            ? Results.Json(asOf(found))
            : Results.Problem(Problems.NotFound(what, id));
}
