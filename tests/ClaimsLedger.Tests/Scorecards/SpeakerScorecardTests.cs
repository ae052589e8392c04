using Alba;
using ClaimsLedger.RatingScales.Defining;
using ClaimsLedger.RatingScales.Revising;
using ClaimsLedger.Scorecards;
using ClaimsLedger.Statements;
using ClaimsLedger.Tests.Claims;
using ClaimsLedger.Tests.Support;
using Shouldly;

namespace ClaimsLedger.Tests.Scorecards;

/// <summary>A scorecard counts verdicts with their denominator, and moves with the verdicts' publication and record.</summary>
public sealed class SpeakerScorecardTests(AppFixture fixture) : ApiContext(fixture)
{
    private Task<SpeakerScorecard> ScorecardAsync(Guid speaker, string query = "") => Given.GetAsync<SpeakerScorecard>($"/api/speakers/{speaker}/scorecard{query}");

    private static int Count(SpeakerScorecard card, string label) => card.Ratings.Where(rating => rating.Label == label).Sum(rating => rating.Claims);

    [Fact]
    public async Task Counts_follow_the_verdict_in_force_at_the_date_asked_and_show_their_denominator()
    {
        var cook = await Given.SpeakerAsync("Peter Cook", await Given.OrganizationAsync());
        var worried = await Given.StatementAsync(cook, "We are extremely worried about the metastasis of Isil", "2016-01-27");
        var contained = await Given.StatementAsync(cook, "ISIS is contained in Libya", "2016-01-20");
        await Given.StatementAsync(cook, "We want to be prepared", "2016-01-28");
        var spreading = await Given.ClaimAsync("ISIS is spreading in Libya");
        var stable = await Given.ClaimAsync("Libya is stable");
        await Given.LinkAsync(worried, spreading, 1);
        await Given.LinkAsync(contained, stable, 1, ClaimRelation.Contradicts);
        var first = await Given.VerdictAsync(spreading, "half-true", "2016-01-30");
        await Given.RevisionAsync(spreading, first.VerdictId, "true", "2016-03-01", first.Version);
        await Given.VerdictAsync(stable, "false", "2016-01-30");

        var then = await ScorecardAsync(cook, "?asOf=2016-02-01");
        var now = await ScorecardAsync(cook);

        Count(then, "Half True").ShouldBe(1);
        Count(then, "True").ShouldBe(0);
        Count(now, "True").ShouldBe(1);
        Count(now, "Half True").ShouldBe(0);
        // The contradicted claim's False is not the speaker's.
        Count(now, "False").ShouldBe(0);
        (now.StatementsRecorded, now.StatementsChecked, now.ClaimsRated).ShouldBe((3, 1, 1));
        now.Ratings.Select(rating => rating.Label).ShouldBe(["True", "Mostly True", "Half True", "Mostly False", "False", "Pants on Fire"]);
        now.Claims.ShouldHaveSingleItem().StatementIds.ShouldBe([worried]);
        now.Roles.ShouldHaveSingleItem().Title.ShouldBe("Pentagon Press Secretary");
    }

    [Fact]
    public async Task Known_before_the_verdict_was_recorded_nothing_is_rated()
    {
        var carter = await Given.SpeakerAsync("Ashton Carter", await Given.OrganizationAsync(), "Defense secretary");
        var statement = await Given.StatementAsync(carter, "a flexible and nimble response", "2016-01");
        var claim = await Given.ClaimAsync("The U.S. will respond flexibly");
        await Given.LinkAsync(statement, claim, 1);
        var linked = (await Given.StatementDetailsAsync(statement)).LastChangedAt;
        await Given.VerdictAsync(claim, "mostly-true", "2016-02-01");
        await Given.ProjectionsCaughtUpAsync();

        var before = await ScorecardAsync(carter, $"?knownAt={Uri.EscapeDataString(linked.ToString("O"))}");
        before.ClaimsRated.ShouldBe(0);
        before.StatementsRecorded.ShouldBe(1);
        (await ScorecardAsync(carter)).ClaimsRated.ShouldBe(1);
    }

    [Fact]
    public async Task Under_current_labels_a_verdict_issued_on_an_old_scale_version_counts_under_its_new_name()
    {
        var scale = await Given.CreateAsync("/api/rating-scales", new DefineRatingScale($"Meter {Guid.NewGuid():N}",
            [new("false", "False", 0), new("barely-true", "Barely True", 1), new("true", "True", 2)]), "editor");
        var speaker = await Given.SpeakerAsync("A. Senator", await Given.OrganizationAsync("U.S. Senate"), "Senator");
        var statement = await Given.StatementAsync(speaker, "The strikes were limited", "2016-02-20");
        var claim = await Given.ClaimAsync("The strikes were limited", scale);
        await Given.LinkAsync(statement, claim, 1);
        await Given.VerdictAsync(claim, "barely-true", "2016-02-25");
        await Given.ChangeAsync($"/api/rating-scales/{scale}/revisions", new ReviseRatingScale(null,
            [new("false", "False", 0), new("mostly-false", "Mostly False", 1), new("true", "True", 2)],
            new Dictionary<string, string> { ["barely-true"] = "mostly-false" }, "rename", 1), "editor");

        Count(await ScorecardAsync(speaker), "Barely True").ShouldBe(1);
        var current = await ScorecardAsync(speaker, "?labels=current");
        Count(current, "Mostly False").ShouldBe(1);
        current.Ratings.ShouldAllBe(rating => rating.ScaleVersion == 2);
    }

    [Fact]
    public async Task Shifts_are_counted_per_topic()
    {
        var cook = await Given.SpeakerAsync("Peter Cook", await Given.OrganizationAsync());
        var topic = await Given.TopicAsync($"Libya {Guid.NewGuid():N}");
        await Given.AssessedStatementAsync(cook, topic, "assessing", "2016-01-20", "assessing");
        await Given.AssessedStatementAsync(cook, topic, "preparing", "2016-01-27", "preparing");
        await Given.ProjectionsCaughtUpAsync();

        var shifts = (await ScorecardAsync(cook)).Topics.ShouldHaveSingleItem();
        shifts.TopicId.ShouldBe(topic);
        (shifts.AssessedStatements, shifts.NoFlip + shifts.HalfFlip + shifts.FullFlop, shifts.CurrentStance).ShouldBe((2, 1, "Preparing"));
    }

    [Fact]
    public async Task The_scorecard_downloads_as_csv_with_the_denominator_on_every_row()
    {
        var speaker = await Given.SpeakerAsync("=HYPERLINK(\"x\") Cook", await Given.OrganizationAsync());
        var statement = await Given.StatementAsync(speaker, "We want to be prepared", "2016-01-28");
        await Given.StatementAsync(speaker, "Another remark", "2016-01-29");
        var claim = await Given.ClaimAsync("The Pentagon wants to be prepared");
        await Given.LinkAsync(statement, claim, 1);
        await Given.VerdictAsync(claim, "true", "2016-02-01");

        var result = await Host.Scenario(s =>
        {
            s.WithBearerToken(Reader);
            s.Get.Url($"/api/speakers/{speaker}/scorecard.csv?asOf=2016-03-01");
            s.StatusCodeShouldBeOk();
            s.ContentTypeShouldBe("text/csv; charset=utf-8; header=present");
        });
        result.Context.Response.Headers.ContentDisposition.ToString().ShouldContain("scorecard");

        var rows = CsvRows.Parse(await CsvRows.BytesAsync(result));
        rows.Count.ShouldBe(6);
        rows.ShouldAllBe(row => row["statements_recorded"] == "2" && row["statements_checked"] == "1" && row["claims_rated"] == "1");
        rows.Single(row => row["rating_key"] == "true")["claims"].ShouldBe("1");
        rows.Where(row => row["rating_key"] != "true").ShouldAllBe(row => row["claims"] == "0");
        rows[0]["speaker"]!.ShouldStartWith("'=HYPERLINK");
    }

    [Fact]
    public async Task Bad_labels_are_a_400_and_an_unknown_speaker_a_404()
    {
        var speaker = await Given.SpeakerAsync("Someone");
        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Reader);
            s.Get.Url($"/api/speakers/{speaker}/scorecard?labels=mine");
        }, 400, "labels");
        await Host.Scenario(s =>
        {
            s.WithBearerToken(Reader);
            s.Get.Url($"/api/speakers/{Guid.NewGuid()}/scorecard");
            s.StatusCodeShouldBe(404);
        });
    }
}
