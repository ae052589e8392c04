using ClaimsLedger.Claims;
using ClaimsLedger.RatingScales;
using ClaimsLedger.RatingScales.GettingDetails;
using Marten;

namespace ClaimsLedger.Search.SearchingStatements;

/// <summary>The claims whose verdict in force carries a rating, read on each scale's current version.</summary>
public static class RatedClaims
{
    public static async Task<Guid[]> WithRatingAsync(IQuerySession session, string rating, CancellationToken cancellation)
    {
        // Every (scale, version, key) a verdict may have been issued as that reads as the rating today.
        var scales = (await session.Query<RatingScaleDetails>().ToListAsync(cancellation)).Select(details => details.ToScale()).ToList();
        if (scales.All(scale => scale.Id != DefaultRatingScale.Id))
        {
            scales.Add(RatingScale.Create(DefaultRatingScale.Definition));
        }

        var keys = scales
            .SelectMany(scale => scale.Versions.SelectMany(version => version.Ratings
                .Where(candidate => scale.Map(version.Number, candidate.Key, scale.Versions.Count)?.Key == rating)
                .Select(candidate => $"{scale.Id}|{version.Number}|{candidate.Key}")))
            .ToArray();
        if (keys.Length == 0)
        {
            return [];
        }

        var table = session.DocumentStore.Options.Schema.For<ClaimHistory>();
        var ids = await session.AdvancedSql.QueryAsync<Guid>(
            $"select id from {table} where jsonb_array_length(data -> 'verdicts') > 0 and " +
            "(data -> 'verdicts' -> -1 -> 'finding' ->> 'ratingScaleId') || '|' || (data -> 'verdicts' -> -1 -> 'finding' ->> 'scaleVersion') || '|' || " +
            "(data -> 'verdicts' -> -1 -> 'finding' ->> 'rating') = any(:keys)",
            cancellation, new { keys });
        return [.. ids];
    }
}
