using System.Globalization;
using System.Text.Json;
using Alba;
using ClaimsLedger.Claims.ClaimReviews;
using ClaimsLedger.Statements;
using ClaimsLedger.Statements.Recording;
using ClaimsLedger.Tests.Support;
using Shouldly;

namespace ClaimsLedger.Tests.Claims;

/// <summary>The ClaimReview export carries every property Google's Fact Check Tools require and recommend.</summary>
public sealed class ClaimReviewTests(AppFixture fixture) : ApiContext(fixture)
{
    private async Task<JsonElement> ExportAsync(Guid claim, Guid verdict)
    {
        var result = await Host.Scenario(s =>
        {
            s.WithBearerToken(Reader);
            s.Get.Url($"/api/claims/{claim}/verdicts/{verdict}/claim-review");
            s.StatusCodeShouldBeOk();
            s.ContentTypeShouldBe("application/ld+json; charset=utf-8");
        });
        return JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement;
    }

    private static string Text(JsonElement element, string property)
    {
        element.TryGetProperty(property, out var value).ShouldBeTrue($"{property} is missing from {element}");
        value.ValueKind.ShouldBe(JsonValueKind.String, property);
        var text = value.GetString()!;
        text.ShouldNotBeNullOrWhiteSpace(property);
        return text;
    }

    private static void AbsoluteUrl(JsonElement element, string property) =>
        Uri.TryCreate(Text(element, property), UriKind.Absolute, out var uri).ShouldBeTrue($"{property} must be an absolute URL");

    private static void IsoDate(JsonElement element, string property) =>
        DateTimeOffset.TryParse(Text(element, property), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _)
            .ShouldBeTrue($"{property} must be an ISO 8601 date");

    [Fact]
    public async Task A_verdict_exports_as_ClaimReview_with_every_required_and_recommended_field()
    {
        var cook = await Given.SpeakerAsync("Peter Cook", await Given.OrganizationAsync());
        var statement = await Given.CreateAsync("/api/statements", new RecordStatement(cook, null,
            "We are extremely worried about the metastasis of Isil", QuoteKind.Direct, "2016-01-27", [],
            new SourceInput("Reuters", "https://example.org/reuters/libya", "2016-01-27")), "recorder");
        await Given.ChangeAsync($"/api/statements/{statement}/sources", new ClaimsLedger.Statements.AddingSources.AddSource(new SourceInput("i-HLS", "https://i-hls.com/archives/68094", "2016-01-28"), 1), "recorder");
        var claim = await Given.ClaimAsync("ISIS is spreading beyond its strongholds into Libya, according to the Pentagon's own assessment of January");
        await Given.LinkAsync(statement, claim, 2);
        var verdict = await Given.VerdictAsync(claim, "mostly-true", "2016-02-01");

        var review = await ExportAsync(claim, verdict.VerdictId);

        Text(review, "@context").ShouldBe("https://schema.org");
        Text(review, "@type").ShouldBe("ClaimReview");
        AbsoluteUrl(review, "url");
        IsoDate(review, "datePublished");
        var summary = Text(review, "claimReviewed");
        summary.Length.ShouldBeLessThan(75);
        summary.ShouldStartWith("ISIS is spreading beyond its strongholds");
        summary.ShouldNotContain("Mostly True", Case.Insensitive);

        var author = review.GetProperty("author");
        Text(author, "@type").ShouldBe("Organization");
        Text(author, "name");
        AbsoluteUrl(author, "url");

        var rating = review.GetProperty("reviewRating");
        Text(rating, "@type").ShouldBe("Rating");
        Text(rating, "alternateName").ShouldBe("Mostly True");
        rating.GetProperty("ratingValue").GetInt32().ShouldBe(4);
        rating.GetProperty("bestRating").GetInt32().ShouldBe(5);
        rating.GetProperty("worstRating").GetInt32().ShouldBe(0);

        var item = review.GetProperty("itemReviewed");
        Text(item, "@type").ShouldBe("Claim");
        var claimAuthor = item.GetProperty("author");
        Text(claimAuthor, "@type").ShouldBe("Person");
        Text(claimAuthor, "name").ShouldBe("Peter Cook");
        Text(claimAuthor, "jobTitle").ShouldBe("Pentagon Press Secretary");
        IsoDate(item, "datePublished");
        var appearances = item.GetProperty("appearance").EnumerateArray().ToList();
        appearances.Count.ShouldBe(2);
        appearances.ShouldAllBe(appearance => appearance.GetProperty("@type").GetString() == "CreativeWork");
        foreach (var appearance in appearances)
        {
            AbsoluteUrl(appearance, "url");
        }

        AbsoluteUrl(item.GetProperty("firstAppearance"), "url");
        item.GetProperty("firstAppearance").GetProperty("url").GetString().ShouldBe("https://example.org/reuters/libya");
    }

    [Fact]
    public async Task A_revised_verdict_still_exports_as_it_was_published()
    {
        var claim = await Given.ClaimAsync("Strikes in Libya began in 2016");
        var first = await Given.VerdictAsync(claim, "false", "2016-02-01");
        var second = await Given.RevisionAsync(claim, first.VerdictId, "true", "2016-02-20", first.Version);

        Text((await ExportAsync(claim, first.VerdictId)).GetProperty("reviewRating"), "alternateName").ShouldBe("False");
        Text((await ExportAsync(claim, second.VerdictId)).GetProperty("reviewRating"), "alternateName").ShouldBe("True");
        await Host.Scenario(s =>
        {
            s.WithBearerToken(Reader);
            s.Get.Url($"/api/claims/{claim}/verdicts/{Guid.NewGuid()}/claim-review");
            s.StatusCodeShouldBe(404);
        });
    }

    [Theory]
    [InlineData("Short claim", "Short claim")]
    [InlineData("  Spaces   and\nlines  ", "Spaces and lines")]
    public void Short_claims_are_kept_whole(string text, string expected) => ClaimReviewDocument.Summary(text).ShouldBe(expected);

    [Fact]
    public void Long_claims_are_cut_at_a_word_under_75_characters()
    {
        var summary = ClaimReviewDocument.Summary(string.Join(' ', Enumerable.Repeat("military", 20)));
        summary.Length.ShouldBeLessThan(75);
        summary.ShouldEndWith("military…");
    }
}
