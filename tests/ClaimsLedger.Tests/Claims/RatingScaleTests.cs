using Alba;
using ClaimsLedger.RatingScales;
using ClaimsLedger.RatingScales.Defining;
using ClaimsLedger.RatingScales.GettingDetails;
using ClaimsLedger.RatingScales.Revising;
using ClaimsLedger.Tests.Support;
using Shouldly;

namespace ClaimsLedger.Tests.Claims;

/// <summary>Rating scales are data with versions: verdicts keep the version they were issued under.</summary>
public sealed class RatingScaleTests(AppFixture fixture) : ApiContext(fixture)
{
    private static readonly RatingInput[] OldMeter =
    [
        new("pants-on-fire", "Pants on Fire", 0), new("false", "False", 1), new("barely-true", "Barely True", 2),
        new("half-true", "Half True", 3), new("mostly-true", "Mostly True", 4), new("true", "True", 5),
    ];

    private static readonly RatingInput[] NewMeter =
    [
        new("pants-on-fire", "Pants on Fire", 0), new("false", "False", 1), new("mostly-false", "Mostly False", 2),
        new("half-true", "Half True", 3), new("mostly-true", "Mostly True", 4), new("true", "True", 5),
    ];

    private Task<Guid> ScaleAsync(string name) => Given.CreateAsync("/api/rating-scales", new DefineRatingScale(name, OldMeter), "editor");

    [Fact]
    public async Task The_default_scale_ships_with_six_ratings_from_pants_on_fire_to_true()
    {
        var scale = await Given.GetAsync<RatingScaleDetails>($"/api/rating-scales/{DefaultRatingScale.Id}");

        scale.Ratings.Select(rating => (rating.Label, rating.Value)).ShouldBe(
            [("Pants on Fire", 0), ("False", 1), ("Mostly False", 2), ("Half True", 3), ("Mostly True", 4), ("True", 5)]);
        var listed = await Given.GetAsync<ClaimsLedger.Infrastructure.Http.Page<RatingScaleDetails>>("/api/rating-scales?limit=100");
        listed.Items.ShouldContain(item => item.Id == DefaultRatingScale.Id);
    }

    [Fact]
    public async Task A_verdict_keeps_the_label_it_was_issued_under_and_reads_mapped_onto_the_revised_scale()
    {
        var scale = await ScaleAsync($"Newsroom meter {Guid.NewGuid():N}");
        var claim = await Given.ClaimAsync("The strikes were limited", scale);
        await Given.VerdictAsync(claim, "barely-true", "2016-02-01");

        var revised = await Given.ChangeAsync($"/api/rating-scales/{scale}/revisions",
            new ReviseRatingScale(null, NewMeter, new Dictionary<string, string> { ["barely-true"] = "mostly-false" }, "Renamed, as PolitiFact did in 2011", 1),
            "editor");
        revised.Version.ShouldBe(2);

        var verdict = (await Given.ClaimHistoryAsync(claim)).Verdicts.Single();
        verdict.Rating.ShouldBe(new ClaimsLedger.Claims.GettingHistory.RatingView("barely-true", "Barely True", 2, 1));
        verdict.RatingNow.ShouldBe(new ClaimsLedger.Claims.GettingHistory.RatingView("mostly-false", "Mostly False", 2, 2));

        var details = await Given.GetAsync<RatingScaleDetails>($"/api/rating-scales/{scale}");
        details.CurrentVersion.ShouldBe(2);
        details.Versions[1].FromPrevious["barely-true"].ShouldBe("mostly-false");

        // New verdicts use the current version's keys.
        var other = await Given.ClaimAsync("The strikes were unlimited", scale);
        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Editor);
            s.Post.Json(new ClaimsLedger.Claims.Verdicts.IssueVerdict("barely-true", "r", null, null, "2016-03-01", null, 1)).ToUrl($"/api/claims/{other}/verdicts");
        }, 422, "rating");
    }

    [Fact]
    public async Task A_revision_must_say_what_each_removed_rating_became()
    {
        var scale = await ScaleAsync($"Meter {Guid.NewGuid():N}");

        var problem = await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Editor);
            s.Post.Json(new ReviseRatingScale(null, NewMeter, null, "rename", 1)).ToUrl($"/api/rating-scales/{scale}/revisions");
        }, 422, "mapping");
        problem.GetProperty("errors").GetProperty("mapping")[0].GetString()!.ShouldContain("barely-true");

        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Editor);
            s.Post.Json(new ReviseRatingScale(null, NewMeter, new Dictionary<string, string> { ["barely-true"] = "nonsense" }, "rename", 1))
                .ToUrl($"/api/rating-scales/{scale}/revisions");
        }, 422, "mapping.barely-true");
    }

    [Fact]
    public async Task A_stale_revision_is_a_409()
    {
        var scale = await ScaleAsync($"Meter {Guid.NewGuid():N}");
        var mapping = new Dictionary<string, string> { ["barely-true"] = "mostly-false" };
        await Given.ChangeAsync($"/api/rating-scales/{scale}/revisions", new ReviseRatingScale(null, NewMeter, mapping, "rename", 1), "editor");

        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Editor);
            s.Post.Json(new ReviseRatingScale(null, OldMeter, new Dictionary<string, string> { ["mostly-false"] = "barely-true" }, "undo", 1))
                .ToUrl($"/api/rating-scales/{scale}/revisions");
        }, 409, null);
    }

    [Theory]
    [InlineData("[{\"key\":\"true\",\"label\":\"True\",\"value\":1}]", "ratings")]
    [InlineData("[{\"key\":\"True!\",\"label\":\"True\",\"value\":1},{\"key\":\"false\",\"label\":\"False\",\"value\":0}]", "ratings[0].key")]
    [InlineData("[{\"key\":\"a\",\"label\":\"Same\",\"value\":1},{\"key\":\"b\",\"label\":\"Same\",\"value\":0}]", "ratings")]
    public async Task A_malformed_scale_is_a_400_naming_the_field(string ratings, string field)
    {
        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Editor);
            s.Post.Text($"{{\"name\":\"Bad\",\"ratings\":{ratings}}}").ToUrl("/api/rating-scales");
            s.WithRequestHeader("Content-Type", "application/json");
        }, 400, field);
    }
}
