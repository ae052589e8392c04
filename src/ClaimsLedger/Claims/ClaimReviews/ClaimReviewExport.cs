using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using ClaimsLedger.Claims.GettingHistory;
using ClaimsLedger.Infrastructure;
using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using ClaimsLedger.Statements;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Wolverine.Http;

namespace ClaimsLedger.Claims.ClaimReviews;

/// <summary>Who publishes the fact-checks (ClaimReview's author), from configuration section <c>Newsroom</c>.</summary>
public sealed class NewsroomOptions
{
    public const string Section = "Newsroom";

    [Required]
    public string Name { get; set; } = "ClaimsLedger newsroom";

    /// <summary>The newsroom's site; fact-checks without their own URL are addressed under it.</summary>
    [Required, Url]
    public string Url { get; set; } = "http://127.0.0.1:5080";
}

/// <summary>
/// schema.org ClaimReview for one verdict, with the properties Google's Fact Check Tools read:
/// claimReviewed (a summary under 75 characters, without the rating), reviewRating (numeric on the
/// scale, with its label as alternateName), url, author, datePublished, and itemReviewed: the Claim
/// with who made it, when, where it appeared and where it first appeared.
/// </summary>
public static class ClaimReviewDocument
{
    public const int MaxClaimReviewed = 74;

    public static JsonObject Of(ClaimHistoryView claim, VerdictView verdict, int bestRating, int worstRating, NewsroomOptions newsroom)
    {
        var site = newsroom.Url.TrimEnd('/');
        var review = new JsonObject
        {
            ["@context"] = "https://schema.org",
            ["@type"] = "ClaimReview",
            ["url"] = verdict.Url ?? $"{site}/claims/{claim.Id}#verdict-{verdict.VerdictId}",
            ["claimReviewed"] = Summary(claim.Text),
            ["datePublished"] = Date(verdict.PublishedAt),
            ["author"] = new JsonObject { ["@type"] = "Organization", ["name"] = newsroom.Name, ["url"] = site },
            ["reviewRating"] = new JsonObject
            {
                ["@type"] = "Rating",
                ["ratingValue"] = verdict.Rating.Value,
                ["bestRating"] = bestRating,
                ["worstRating"] = worstRating,
                ["alternateName"] = verdict.Rating.Label,
                ["name"] = verdict.Rating.Label,
            },
            ["itemReviewed"] = Claim(claim),
        };
        return review;
    }

    /// <summary>The claim's text, cut at a word under the 75 characters Google shows.</summary>
    public static string Summary(string text)
    {
        var flat = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (flat.Length <= MaxClaimReviewed)
        {
            return flat;
        }

        var cut = flat.LastIndexOf(' ', MaxClaimReviewed - 1);
        return $"{flat[..(cut > 20 ? cut : MaxClaimReviewed - 1)].TrimEnd(',', ';', ':', '.')}…";
    }

    private static JsonObject Claim(ClaimHistoryView claim)
    {
        var item = new JsonObject { ["@type"] = "Claim", ["name"] = claim.Text };
        // Who made the claim: the statements that make or restate it, earliest said first.
        var making = claim.Statements.Where(statement => statement.Relation != ClaimRelation.Contradicts).OrderBy(statement => statement.StatedAt).ToList();
        if (making.Count == 0)
        {
            return item;
        }

        var first = making[0];
        item["author"] = Author(first.Attribution);
        item["datePublished"] = Date(first.StatedAt);
        var appearances = making
            .SelectMany(statement => statement.Sources.Select(source => (Statement: statement, Source: source)))
            .OrderBy(pair => pair.Source.PublishedAt ?? pair.Statement.StatedAt)
            .Select(pair => Appearance(pair.Source))
            .ToList();
        if (appearances.Count > 0)
        {
            item["firstAppearance"] = appearances[0].DeepClone();
            item["appearance"] = new JsonArray([.. appearances]);
        }

        return item;
    }

    private static JsonObject Author(Attribution attribution)
    {
        var author = new JsonObject { ["@type"] = "Person", ["name"] = attribution.SpeakerName };
        if (attribution.RoleTitle is { } title)
        {
            author["jobTitle"] = title;
        }

        if (attribution.OrganizationName is { } organization)
        {
            author["affiliation"] = new JsonObject { ["@type"] = "Organization", ["name"] = organization };
        }

        return author;
    }

    private static JsonObject Appearance(Source source)
    {
        var work = new JsonObject { ["@type"] = "CreativeWork" };
        if (source.Url is { } url)
        {
            work["url"] = url;
        }

        work["publisher"] = new JsonObject { ["@type"] = "Organization", ["name"] = source.Outlet };
        if (source.PublishedAt is { } published)
        {
            work["datePublished"] = Date(published);
        }

        return work;
    }

    /// <summary>ISO 8601 at the precision known: "2016", "2016-01", "2016-01-27", or the instant.</summary>
    private static string Date(StatedTime time) => time.Precision == TimePrecision.Instant ? time.Start.ToString("yyyy-MM-dd'T'HH:mm:ssK", System.Globalization.CultureInfo.InvariantCulture) : time.ToString();
}

public static class GetClaimReviewEndpoint
{
    /// <summary>
    /// One verdict as schema.org ClaimReview JSON-LD, ready to embed in the published fact-check
    /// (<c>application/ld+json</c>). Revised verdicts stay exportable, as published at the time.
    /// </summary>
    [WolverineGet("/api/claims/{id}/verdicts/{verdictId}/claim-review"), RequiresRole(Roles.Reader)]
    [Tags("Claims")]
    [Produces("application/ld+json")]
    public static async Task<IResult> Get(Guid id, Guid verdictId, IQuerySession session, IOptions<NewsroomOptions> newsroom, CancellationToken cancellation)
    {
        if (await session.LoadAsync<ClaimHistory>(id, cancellation) is not { } history)
        {
            return Results.Problem(Problems.NotFound("claim", id));
        }

        var scale = (await RatingScales.GettingDetails.RatingScales.LoadAsync(session, history.RatingScaleId, TimeTravel.Live, cancellation))!.ToScale();
        var claim = await ClaimHistoryReader.ReadAsync(session, history, scale, TimeTravel.Live, cancellation);
        if (claim.Verdicts.FirstOrDefault(verdict => verdict.VerdictId == verdictId) is not { } found)
        {
            return Results.Problem(Problems.NotFound("verdict", verdictId));
        }

        var version = scale.Version(found.Rating.ScaleVersion)!;
        var document = ClaimReviewDocument.Of(claim, found, version.Best, version.Worst, newsroom.Value);
        return Results.Text(document.ToJsonString(), "application/ld+json; charset=utf-8");
    }
}
