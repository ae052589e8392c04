using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;

namespace ClaimsLedger.RatingScales;

/// <summary>One rating of a scale: <paramref name="Key"/> is what verdicts name; <paramref name="Value"/> orders it (higher is truer).</summary>
public sealed record Rating(string Key, string Label, int Value);

/// <summary>One version of a scale: its ratings, and how the previous version's keys map onto them.</summary>
public sealed record RatingScaleVersion(int Number, string Name, IReadOnlyList<Rating> Ratings, IReadOnlyDictionary<string, string> FromPrevious, string? Reason)
{
    public Rating? Find(string key) => Ratings.FirstOrDefault(rating => rating.Key == key);

    public int Best => Ratings.Max(rating => rating.Value);

    public int Worst => Ratings.Min(rating => rating.Value);
}

// Events of a rating scale stream. The stream's version is the scale's version.

/// <summary>A rating scale was defined (version 1).</summary>
public sealed record RatingScaleDefined(Guid ScaleId, string Name, IReadOnlyList<Rating> Ratings);

/// <summary>
/// A rating scale was revised: its new ratings, and <paramref name="Mapping"/> from every old key that
/// is gone to the new key it became ("barely-true" → "mostly-false"). Verdicts keep the version they were issued under.
/// </summary>
public sealed record RatingScaleRevised(Guid ScaleId, string Name, IReadOnlyList<Rating> Ratings, IReadOnlyDictionary<string, string> Mapping, string Reason);

/// <summary>Write model of a rating scale: every version, so old verdicts can be read and mapped.</summary>
public sealed record RatingScale(Guid Id, ImmutableList<RatingScaleVersion> Versions)
{
    public RatingScaleVersion Current => Versions[^1];

    public static RatingScale Create(RatingScaleDefined defined) =>
        new(defined.ScaleId, [new RatingScaleVersion(1, defined.Name, defined.Ratings, ImmutableDictionary<string, string>.Empty, null)]);

    public RatingScale Apply(RatingScaleRevised revised) =>
        this with { Versions = Versions.Add(new RatingScaleVersion(Versions.Count + 1, revised.Name, revised.Ratings, revised.Mapping, revised.Reason)) };

    public RatingScaleVersion? Version(int number) => number >= 1 && number <= Versions.Count ? Versions[number - 1] : null;

    /// <summary>The rating a key of version <paramref name="from"/> became by version <paramref name="to"/>, following each revision's mapping.</summary>
    public Rating? Map(int from, string key, int to)
    {
        var current = key;
        for (var number = from + 1; number <= to && number <= Versions.Count; number++)
        {
            var version = Versions[number - 1];
            if (version.FromPrevious.TryGetValue(current, out var mapped))
            {
                current = mapped;
            }
        }

        return Version(Math.Min(to, Versions.Count))?.Find(current);
    }
}

/// <summary>The scale that ships: PolitiFact's Truth-O-Meter, stored the first time a claim uses it.</summary>
public static class DefaultRatingScale
{
    public const string Name = "Truth-O-Meter (PolitiFact style)";

    public static readonly Guid Id = new(SHA256.HashData(Encoding.UTF8.GetBytes("claimsledger/rating-scale/default/v1")).AsSpan(0, 16));

    public static readonly IReadOnlyList<Rating> Ratings =
    [
        new("pants-on-fire", "Pants on Fire", 0),
        new("false", "False", 1),
        new("mostly-false", "Mostly False", 2),
        new("half-true", "Half True", 3),
        new("mostly-true", "Mostly True", 4),
        new("true", "True", 5),
    ];

    public static RatingScaleDefined Definition => new(Id, Name, Ratings);
}
