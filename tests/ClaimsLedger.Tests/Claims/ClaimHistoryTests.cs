using Alba;
using ClaimsLedger.Claims;
using ClaimsLedger.Claims.Opening;
using ClaimsLedger.Claims.Verdicts;
using ClaimsLedger.RatingScales;
using ClaimsLedger.Statements;
using ClaimsLedger.Statements.Withdrawing;
using ClaimsLedger.Tests.Support;
using Marten;
using Shouldly;

namespace ClaimsLedger.Tests.Claims;

/// <summary>A claim's history keeps every verdict: a revision is a new verdict, never an edit.</summary>
public sealed class ClaimHistoryTests(AppFixture fixture) : ApiContext(fixture)
{
    [Fact]
    public async Task A_revised_verdict_stays_in_the_history_beside_the_verdict_that_replaced_it()
    {
        var claim = await Given.ClaimAsync("ISIS has gained ground in Libya");

        var first = await Given.VerdictAsync(claim, "mostly-true", "2016-01-30");
        var second = await Given.RevisionAsync(claim, first.VerdictId, "true", "2016-02-10", first.Version);

        var history = await Given.ClaimHistoryAsync(claim);
        history.Scale.Id.ShouldBe(DefaultRatingScale.Id);
        history.Verdicts.Select(v => (v.VerdictId, v.Rating.Label, v.InForce)).ShouldBe([(first.VerdictId, "Mostly True", false), (second.VerdictId, "True", true)]);
        history.Verdicts[0].RevisedBy.ShouldBe(second.VerdictId);
        history.Verdicts[1].Revises.ShouldBe(first.VerdictId);
        history.Verdicts[1].Reason.ShouldBe("New evidence came to light");
        history.Verdicts[1].Headline.ShouldBe("After the fact: True (was Mostly True)");
        history.Current!.VerdictId.ShouldBe(second.VerdictId);
        history.History.Select(entry => entry.Kind).ShouldBe(["verdict", "revision"]);

        await using var session = Store.QuerySession();
        (await session.Events.FetchStreamAsync(claim)).Select(e => e.Data.GetType())
            .ShouldBe([typeof(ClaimOpened), typeof(VerdictIssued), typeof(VerdictRevised)]);
    }

    [Fact]
    public async Task The_history_as_known_before_a_revision_or_as_of_before_its_publication_shows_the_first_verdict_in_force()
    {
        var claim = await Given.ClaimAsync("The Pentagon has a plan for Libya");
        var first = await Given.VerdictAsync(claim, "half-true", "2016-01-30");
        var recorded = (await Given.ClaimHistoryAsync(claim)).Verdicts.Single().RecordedAt;
        await Given.RevisionAsync(claim, first.VerdictId, "false", "2016-03-01", first.Version);

        var known = await Given.ClaimHistoryAsync(claim, $"?knownAt={Uri.EscapeDataString(recorded.ToString("O"))}");
        known.Verdicts.ShouldHaveSingleItem().Rating.Key.ShouldBe("half-true");
        known.Current!.VerdictId.ShouldBe(first.VerdictId);

        var asOf = await Given.ClaimHistoryAsync(claim, "?asOf=2016-02-15");
        asOf.Current!.Rating.Key.ShouldBe("half-true");
        asOf.Verdicts.Count.ShouldBe(1);

        (await Given.ClaimHistoryAsync(claim)).Current!.Rating.Key.ShouldBe("false");
    }

    [Fact]
    public async Task Linked_statements_appear_with_their_quote_speaker_and_source_and_leave_when_withdrawn()
    {
        var cook = await Given.SpeakerAsync("Peter Cook", await Given.OrganizationAsync());
        var made = await Given.StatementAsync(cook, "We are extremely worried about the metastasis of Isil", "2016-01-27");
        var denied = await Given.StatementAsync(cook, "ISIS is contained", "2016-01-20");
        var claim = await Given.ClaimAsync("ISIS is spreading in Libya");

        await Given.LinkAsync(made, claim, 1);
        await Given.LinkAsync(denied, claim, 1, ClaimRelation.Contradicts);
        await Given.VerdictAsync(claim, "true", "2016-02-01");

        var history = await Given.ClaimHistoryAsync(claim);
        history.Statements.Select(s => (s.StatementId, s.Relation)).ShouldBe([(denied, ClaimRelation.Contradicts), (made, ClaimRelation.Supports)]);
        history.Statements[1].Attribution.SpeakerName.ShouldBe("Peter Cook");
        history.Statements[1].Sources.ShouldHaveSingleItem().Outlet.ShouldBe("i-HLS");
        history.History.Select(entry => entry.Kind).ShouldBe(["statement", "statement", "verdict"]);
        (await Given.StatementDetailsAsync(made)).Claims.ShouldHaveSingleItem().ClaimId.ShouldBe(claim);

        await Given.ChangeAsync($"/api/statements/{denied}/withdrawal", new WithdrawStatement("Recorded in error", 2), "editor");
        (await Given.ClaimHistoryAsync(claim)).Statements.ShouldHaveSingleItem().StatementId.ShouldBe(made);
    }

    [Fact]
    public async Task Linking_again_with_the_same_relation_adds_nothing_and_another_relation_supersedes()
    {
        var cook = await Given.SpeakerAsync("Peter Cook", await Given.OrganizationAsync());
        var statement = await Given.StatementAsync(cook, "a flexible and nimble response", "2016-01");
        var claim = await Given.ClaimAsync("The U.S. response will be flexible");
        await Given.LinkAsync(statement, claim, 1);

        var again = await Given.ChangeAsync($"/api/statements/{statement}/claims",
            new ClaimsLedger.Statements.LinkingClaims.LinkClaim(claim, ClaimRelation.Supports, null, 2), "editor");
        again.Changed.ShouldBeFalse();
        await Given.LinkAsync(statement, claim, 2, ClaimRelation.Restates);

        (await Given.ClaimHistoryAsync(claim)).Statements.ShouldHaveSingleItem().Relation.ShouldBe(ClaimRelation.Restates);
    }

    [Fact]
    public async Task A_second_verdict_must_be_a_revision_and_only_the_verdict_in_force_can_be_revised()
    {
        var claim = await Given.ClaimAsync("Libya strikes began in February");
        var first = await Given.VerdictAsync(claim, "false", "2016-02-01");

        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Editor);
            s.Post.Json(new IssueVerdict("true", "again", null, null, "2016-02-02", null, 2)).ToUrl($"/api/claims/{claim}/verdicts");
        }, 409, null);

        var second = await Given.RevisionAsync(claim, first.VerdictId, "half-true", "2016-02-05", 2);
        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Editor);
            s.Post.Json(new ReviseVerdict("true", "why", null, null, "2016-02-06", null, "again", second.Version))
                .ToUrl($"/api/claims/{claim}/verdicts/{first.VerdictId}/revisions");
        }, 409, null);
    }

    [Fact]
    public async Task A_rating_off_the_scale_is_a_422_that_lists_the_scales_ratings()
    {
        var claim = await Given.ClaimAsync("Libya is stable");

        var problem = await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Editor);
            s.Post.Json(new IssueVerdict("barely-true", "r", null, null, "2016-02-01", null, 1)).ToUrl($"/api/claims/{claim}/verdicts");
        }, 422, "rating");

        problem.GetProperty("errors").GetProperty("rating")[0].GetString()!.ShouldContain("pants-on-fire");
    }

    [Theory]
    [InlineData("", "2016-02-01", null, "rating")]
    [InlineData("true", "2999-01-01", null, "publishedAt")]
    [InlineData("true", "yesterday", null, "publishedAt")]
    [InlineData("true", "2016-02-01", "javascript:alert(1)", "url")]
    public async Task A_malformed_verdict_is_a_400_naming_the_field_and_writes_nothing(string rating, string publishedAt, string? url, string field)
    {
        var claim = await Given.ClaimAsync("Libya has one government");

        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Editor);
            s.Post.Json(new IssueVerdict(rating, "because", null, null, publishedAt, url, 1)).ToUrl($"/api/claims/{claim}/verdicts");
        }, 400, field);
    }

    [Fact]
    public async Task Opening_a_claim_checks_its_text_scale_and_topics()
    {
        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Editor);
            s.Post.Json(new OpenClaim(new string('x', 501), null, null, null)).ToUrl("/api/claims");
        }, 400, "text");
        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Editor);
            s.Post.Json(new OpenClaim("A claim", null, null, Guid.NewGuid())).ToUrl("/api/claims");
        }, 422, "ratingScaleId");
        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Editor);
            s.Post.Json(new OpenClaim("A claim", null, [Guid.NewGuid()], null)).ToUrl("/api/claims");
        }, 422, "topicIds[0]");
    }

    [Fact]
    public async Task Verdicts_need_an_editor_and_claims_need_a_reader()
    {
        var claim = await Given.ClaimAsync("Roles matter");

        await Host.Scenario(s =>
        {
            s.WithBearerToken(Recorder);
            s.Post.Json(new IssueVerdict("true", "r", null, null, "2016-02-01", null, 1)).ToUrl($"/api/claims/{claim}/verdicts");
            s.StatusCodeShouldBe(403);
        });
        await Host.Scenario(s =>
        {
            s.Get.Url($"/api/claims/{claim}");
            s.StatusCodeShouldBe(401);
        });
        await Host.Scenario(s =>
        {
            s.WithBearerToken(Reader);
            s.Get.Url($"/api/claims/{Guid.NewGuid()}");
            s.StatusCodeShouldBe(404);
        });
    }
}
