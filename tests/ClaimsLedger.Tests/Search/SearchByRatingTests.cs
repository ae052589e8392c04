using ClaimsLedger.Statements;
using ClaimsLedger.Tests.Claims;
using Shouldly;

namespace ClaimsLedger.Tests.Search;

/// <summary>Searching by rating finds the statements that make (or restate) claims rated so, not those that contradict them.</summary>
public sealed class SearchByRatingTests(SearchFixture fixture) : SearchContext(fixture)
{
    [Fact]
    public async Task The_rating_filter_follows_the_verdict_in_force_on_the_claims_a_statement_makes()
    {
        var word = Word();
        var cook = await Given.SpeakerAsync("Peter Cook", await Given.OrganizationAsync());
        var makes = await Given.StatementAsync(cook, $"{word} makes the claim", "2016-01-27");
        var restates = await Given.StatementAsync(cook, $"{word} restates the claim", "2016-01-28");
        var contradicts = await Given.StatementAsync(cook, $"{word} contradicts the claim", "2016-01-29");
        var unlinked = await Given.StatementAsync(cook, $"{word} says nothing checkable", "2016-01-30");
        var claim = await Given.ClaimAsync($"Claim about {word}");
        await Given.LinkAsync(makes, claim, 1);
        await Given.LinkAsync(restates, claim, 1, ClaimRelation.Restates);
        await Given.LinkAsync(contradicts, claim, 1, ClaimRelation.Contradicts);

        (await SearchAsync(word, "rating=false")).Items.ShouldBeEmpty();

        var verdict = await Given.VerdictAsync(claim, "false", "2016-02-01");
        (await SearchAsync(word, "rating=false")).Items.Select(hit => hit.Id).ShouldBe([makes, restates], ignoreOrder: true);
        (await SearchAsync(word)).Items.Select(hit => hit.Id).ShouldContain(unlinked);

        await Given.RevisionAsync(claim, verdict.VerdictId, "true", "2016-02-10", verdict.Version);
        (await SearchAsync(word, "rating=false")).Items.ShouldBeEmpty();
        (await SearchAsync(word, "rating=true")).Items.Count.ShouldBe(2);
    }
}
