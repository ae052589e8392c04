using ClaimsLedger.Claims;
using ClaimsLedger.Claims.GettingHistory;
using ClaimsLedger.Infrastructure;
using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using ClaimsLedger.Positions;
using ClaimsLedger.Positions.GettingTimelines;
using ClaimsLedger.RatingScales;
using ClaimsLedger.Speakers;
using ClaimsLedger.Speakers.GettingDetails;
using ClaimsLedger.Statements;
using ClaimsLedger.Statements.GettingDetails;
using ClaimsLedger.Topics.GettingDetails;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClaimsLedger.Scorecards;

/// <summary>How many rated claims a speaker made got this rating (and through how many of their statements).</summary>
public sealed record RatingCount(Guid ScaleId, string Scale, int ScaleVersion, string Key, string Label, int Value, int Claims, int Statements);

/// <summary>A claim the speaker made or restated, with the verdict in force at the scorecard's moment.</summary>
public sealed record RatedClaim(Guid ClaimId, string Text, Guid VerdictId, string Label, StatedTime PublishedAt, IReadOnlyList<Guid> StatementIds);

/// <summary>The speaker's position shifts on one topic, by Flip rating.</summary>
public sealed record TopicShifts(Guid TopicId, string Title, int AssessedStatements, int NoFlip, int HalfFlip, int FullFlop, string? CurrentStance);

/// <summary>
/// A speaker's record: verdict counts per rating with their denominator (statements recorded, and how
/// many of them were checked), the claims behind the counts, position shifts per topic, roles held.
/// </summary>
public sealed record SpeakerScorecard(
    Guid SpeakerId,
    string Name,
    IReadOnlyList<SpeakerRole> Roles,
    string Labels,
    int StatementsRecorded,
    int StatementsChecked,
    int ClaimsRated,
    IReadOnlyList<RatingCount> Ratings,
    IReadOnlyList<RatedClaim> Claims,
    IReadOnlyList<TopicShifts> Topics)
{
    /// <summary>True when the speaker has more statements than one scorecard reads (<see cref="SpeakerScorecards.MaxStatements"/>): the counts cover the most recent.</summary>
    public bool Partial => StatementsRecorded >= SpeakerScorecards.MaxStatements;
}

public static class SpeakerScorecards
{
    /// <summary>The most statements one scorecard reads; past it, the scorecard says it was cut.</summary>
    public const int MaxStatements = 10_000;

    public static async Task<SpeakerScorecard?> ReadAsync(IQuerySession session, Guid speakerId, TimeTravel travel, bool currentLabels, CancellationToken cancellation)
    {
        if (await travel.LoadAsync<SpeakerDetails>(session, speakerId, cancellation) is not { } speaker)
        {
            return null;
        }

        var statements = await StatementQueries.OfSpeakerAsync(session, speakerId, travel, MaxStatements, cancellation);

        // Verdicts count for claims the speaker makes or restates, not for those they contradict.
        var made = statements
            .SelectMany(statement => statement.Claims.Where(link => link.Relation != ClaimRelation.Contradicts).Select(link => (link.ClaimId, StatementId: statement.Id)))
            .GroupBy(pair => pair.ClaimId, pair => pair.StatementId)
            .ToDictionary(group => group.Key, group => group.Distinct().ToList());
        var histories = made.Count == 0 ? [] : await session.LoadManyAsync<ClaimHistory>(cancellation, made.Keys);

        var scales = new Dictionary<Guid, RatingScale>();
        var rated = new List<(RatedClaim Claim, RatingView Rating, RatingScale Scale)>();
        foreach (var history in histories.Where(history => travel.WasKnown(history.OpenedAt)))
        {
            if (!scales.TryGetValue(history.RatingScaleId, out var scale))
            {
                scale = (await RatingScales.GettingDetails.RatingScales.LoadAsync(session, history.RatingScaleId, travel, cancellation))!.ToScale();
                scales[history.RatingScaleId] = scale;
            }

            if (ClaimHistoryReader.Verdicts(history, scale, travel).LastOrDefault(verdict => verdict.InForce) is { } verdict)
            {
                var rating = currentLabels ? verdict.RatingNow : verdict.Rating;
                rated.Add((new RatedClaim(history.Id, history.Text, verdict.VerdictId, rating.Label, verdict.PublishedAt, made[history.Id]), rating, scale));
            }
        }

        var ratings = new List<RatingCount>();
        foreach (var group in rated.GroupBy(item => (item.Scale.Id, item.Rating.ScaleVersion)).OrderBy(group => group.Key.Id).ThenBy(group => group.Key.ScaleVersion))
        {
            var scale = group.First().Scale;
            var version = scale.Version(group.Key.ScaleVersion)!;
            ratings.AddRange(version.Ratings.OrderByDescending(rating => rating.Value).Select(rating =>
            {
                var matching = group.Where(item => item.Rating.Key == rating.Key).ToList();
                return new RatingCount(scale.Id, version.Name, version.Number, rating.Key, rating.Label, rating.Value, matching.Count,
                    matching.SelectMany(item => item.Claim.StatementIds).Distinct().Count());
            }));
        }

        var checkedStatements = rated.SelectMany(item => item.Claim.StatementIds).Distinct().Count();
        return new SpeakerScorecard(speaker.Id, speaker.Name, speaker.AsOf(travel).Roles, currentLabels ? "current" : "original", statements.Count,
            checkedStatements, rated.Count, ratings, [.. rated.Select(item => item.Claim).OrderByDescending(claim => claim.PublishedAt)],
            await ShiftsAsync(session, speaker, statements, travel, cancellation));
    }

    private static async Task<IReadOnlyList<TopicShifts>> ShiftsAsync(
        IQuerySession session, SpeakerDetails speaker, IReadOnlyList<StatementDetails> statements, TimeTravel travel, CancellationToken cancellation)
    {
        var topics = new List<TopicShifts>();
        foreach (var topicId in statements.SelectMany(statement => statement.Stances.Select(stance => stance.TopicId)).Distinct())
        {
            if (await travel.LoadAsync<TopicDetails>(session, topicId, cancellation) is not { } topic)
            {
                continue;
            }

            var entries = await GetPositionTimelineEndpoint.EntriesAsync(session, new TimelineKey(ActorKind.Speaker, speaker.Id, topicId), travel, cancellation);
            var timeline = PositionTimelineView.Of(new ActorRef(ActorKind.Speaker, speaker.Id, speaker.Name), topic, entries);
            topics.Add(new TopicShifts(topic.Id, topic.Title, timeline.Entries.Count,
                timeline.Shifts.Count(shift => shift.Rating == FlipRating.NoFlip),
                timeline.Shifts.Count(shift => shift.Rating == FlipRating.HalfFlip),
                timeline.Shifts.Count(shift => shift.Rating == FlipRating.FullFlop),
                timeline.Current?.Stance.Label));
        }

        return [.. topics.OrderBy(topic => topic.Title)];
    }
}

public static class GetSpeakerScorecardEndpoint
{
    public static ProblemDetails Validate(string? asOf, string? knownAt, string? labels) =>
        labels is not (null or "original" or "current")
            ? Problems.Invalid("labels", "labels is 'original' (as issued) or 'current' (mapped onto each scale's current version).")
            : TimeTravel.Read(asOf, knownAt, out _);

    /// <summary>
    /// A speaker's scorecard: for the claims their statements make or restate, how many verdicts in
    /// force fall on each rating, next to the denominator (statements recorded, and how many were
    /// checked); the rated claims; position shifts per topic; roles held. <c>asOf</c> counts only what
    /// was said and published by then; <c>knownAt</c>, what had been recorded by then; <c>labels</c>
    /// shows ratings as issued (<c>original</c>, default) or mapped onto each scale's current version.
    /// </summary>
    [WolverineGet("/api/speakers/{id}/scorecard"), RequiresRole(Roles.Reader)]
    [Tags("Speakers")]
    [ProducesResponseType<SpeakerScorecard>(StatusCodes.Status200OK, "application/json")]
    public static async Task<IResult> Get(Guid id, string? asOf, string? knownAt, string? labels, IQuerySession session, CancellationToken cancellation)
    {
        TimeTravel.Read(asOf, knownAt, out var travel);
        return await SpeakerScorecards.ReadAsync(session, id, travel, labels == "current", cancellation) is { } scorecard
            ? Results.Json(scorecard)
            : Results.Problem(Problems.NotFound("speaker", id));
    }

    /// <summary>
    /// The scorecard's counts as CSV for spreadsheets: one row per rating (every rating of each scale
    /// version in use, zero counts included), each carrying the denominator (statements recorded and
    /// checked, claims rated), under the same <c>asOf</c>, <c>knownAt</c> and <c>labels</c> as the JSON.
    /// Position shifts per topic are in the JSON scorecard.
    /// </summary>
    [WolverineGet("/api/speakers/{id}/scorecard.csv"), RequiresRole(Roles.Reader)]
    [Tags("Speakers")]
    [ProducesResponseType<string>(StatusCodes.Status200OK, Csv.MediaType)]
    public static async Task<IResult> GetCsv(Guid id, string? asOf, string? knownAt, string? labels, IQuerySession session, CancellationToken cancellation)
    {
        TimeTravel.Read(asOf, knownAt, out var travel);
        if (await SpeakerScorecards.ReadAsync(session, id, travel, labels == "current", cancellation) is not { } card)
        {
            return Results.Problem(Problems.NotFound("speaker", id));
        }

        return Csv.File(Csv.FileName(card.Name, "scorecard", card.Labels, asOf is null ? null : $"asof-{asOf}", knownAt is null ? null : $"knownat-{knownAt}"),
            card.Ratings,
            [
                new CsvColumn<RatingCount>("speaker", _ => card.Name),
                new CsvColumn<RatingCount>("scale", rating => rating.Scale),
                new CsvColumn<RatingCount>("scale_version", rating => Csv.Number(rating.ScaleVersion)),
                new CsvColumn<RatingCount>("rating_key", rating => rating.Key),
                new CsvColumn<RatingCount>("rating", rating => rating.Label),
                new CsvColumn<RatingCount>("rating_value", rating => Csv.Number(rating.Value)),
                new CsvColumn<RatingCount>("claims", rating => Csv.Number(rating.Claims)),
                new CsvColumn<RatingCount>("statements", rating => Csv.Number(rating.Statements)),
                new CsvColumn<RatingCount>("claims_rated", _ => Csv.Number(card.ClaimsRated)),
                new CsvColumn<RatingCount>("statements_checked", _ => Csv.Number(card.StatementsChecked)),
                new CsvColumn<RatingCount>("statements_recorded", _ => Csv.Number(card.StatementsRecorded)),
            ]);
    }
}
