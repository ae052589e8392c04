using System.Security.Cryptography;
using System.Text;
using ClaimsLedger.Claims.GettingHistory;
using ClaimsLedger.Positions;
using ClaimsLedger.Scorecards;
using ClaimsLedger.Positions.GettingTimelines;
using ClaimsLedger.Samples;
using ClaimsLedger.Statements;
using ClaimsLedger.Tests.Support;
using Shouldly;

namespace ClaimsLedger.Tests.Samples;

/// <summary>The example data set: real statements, loaded through the API, giving a real Pentagon timeline.</summary>
public sealed class ExampleDataTests(AppFixture fixture) : ApiContext(fixture)
{
    private static readonly string SampleFile = RepositoryFiles.Path("samples", "libya-2016.json");

    private async Task<(SampleSet Set, SampleLoadResult Result)> LoadAsync(string setName)
    {
        var set = await SampleLoader.ReadAsync(SampleFile, CancellationToken.None);
        var loader = new SampleLoader(Host.Server.CreateClient(), role => Fixture.TokenFor(role), setName);
        return (set, await loader.LoadAsync(set, CancellationToken.None));
    }

    [Fact]
    public async Task The_example_data_loads_and_the_pentagon_timeline_runs_in_stated_time_order()
    {
        var (set, result) = await LoadAsync($"libya-{Guid.NewGuid():N}");
        await Given.ProjectionsCaughtUpAsync();

        var timeline = await Host.GetJsonAsync<PositionTimelineView>(
            $"/api/positions/organizations/{result.Ids["dod"]}/topics/{result.Ids["libya"]}", Reader);

        timeline.Actor.Name.ShouldBe("U.S. Department of Defense");
        timeline.Topic.Ladder.Select(rung => rung.Key).ShouldBe(
            ["ruled-out", "assessing", "considering-options", "preparing", "committed", "acting"]);
        var assessedForThePentagon = set.Statements.Where(statement => statement.Stance is not null && statement.Speaker != "senior-officer").ToList();
        timeline.Entries.Count.ShouldBe(assessedForThePentagon.Count);
        timeline.Entries.Select(entry => entry.StatedAt).ShouldBeInOrder();
        timeline.Entries[0].Quote.ShouldBe("flexible and nimble response");
        timeline.Entries[0].Attribution.SpeakerName.ShouldBe("Ashton Carter");
        timeline.Entries[1].Quote.ShouldBe("looking at military options");
        timeline.Entries[1].Stance.Key.ShouldBe("considering-options");
        timeline.Entries.ShouldAllBe(entry => entry.Sources.Single().Outlet == "i-HLS" && entry.Sources.Single().Url == "https://i-hls.com/archives/68094");
        timeline.Shifts.Count.ShouldBe(timeline.Entries.Count - 1);
        timeline.Shifts[0].Rating.ShouldBe(FlipRating.HalfFlip);
        timeline.Current!.Stance.Key.ShouldBe("assessing");
    }

    [Fact]
    public async Task The_example_claim_shows_both_verdicts_and_cooks_scorecard_moves_with_the_later_one()
    {
        var (_, result) = await LoadAsync($"libya-{Guid.NewGuid():N}");
        var claim = result.Ids["claim-us-weighing-military-action"];

        var history = await Given.GetAsync<ClaimHistoryView>($"/api/claims/{claim}");
        history.Verdicts.Select(verdict => verdict.Headline).ShouldBe(["Half True", "After the fact: True (was Half True)"]);
        history.Current!.Rating.Label.ShouldBe("True");
        history.Statements.Select(statement => (statement.Attribution.SpeakerName, statement.Relation)).ShouldBe(
            [("Ashton Carter", ClaimRelation.Restates), ("Peter Cook", ClaimRelation.Supports), ("Peter Cook", ClaimRelation.Contradicts)], ignoreOrder: true);

        var cook = result.Ids["cook"];
        var then = await Given.GetAsync<SpeakerScorecard>($"/api/speakers/{cook}/scorecard?asOf=2016-02-01");
        var now = await Given.GetAsync<SpeakerScorecard>($"/api/speakers/{cook}/scorecard");
        then.Claims.Where(rated => rated.ClaimId == claim).ShouldHaveSingleItem().Label.ShouldBe("Half True");
        now.Claims.Where(rated => rated.ClaimId == claim).ShouldHaveSingleItem().Label.ShouldBe("True");
    }

    [Fact]
    public async Task Loading_the_example_data_twice_adds_nothing()
    {
        var setName = $"libya-{Guid.NewGuid():N}";
        var (_, first) = await LoadAsync(setName);
        var events = await EventCountAsync();

        var (_, second) = await LoadAsync(setName);

        second.Created.ShouldBe(0);
        second.Changed.ShouldBe(0);
        second.Ids.ShouldBe(first.Ids);
        (await EventCountAsync()).ShouldBe(events);
    }

    [Fact]
    public async Task Every_example_quote_sits_at_its_offsets_in_the_article_whose_hash_it_records()
    {
        var set = await SampleLoader.ReadAsync(SampleFile, CancellationToken.None);
        var article = await File.ReadAllTextAsync(RepositoryFiles.Corpus("00-seed-libya.txt"));
        var body = article[(article.IndexOf("\n\n", StringComparison.Ordinal) + 2)..];

        var source = set.Sources.Single();
        source.ContentSha256.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body))));
        foreach (var statement in set.Statements)
        {
            body[statement.Source.QuoteStart!.Value..statement.Source.QuoteEnd!.Value].ShouldBe(statement.Quote, statement.Ref);
        }

        set.Statements.Select(statement => statement.Quote).ShouldContain("looking at military options");
        set.Statements.Select(statement => statement.Quote).ShouldContain("metastasis");
        set.Statements.Select(statement => statement.Quote).ShouldContain("simply to get a sense of who the players are,");
        set.Statements.Select(statement => statement.Quote).ShouldContain("decisive");
        set.Statements.Select(statement => statement.Quote).ShouldContain("flexible and nimble response");
        set.Statements.Count(statement => statement.Kind == QuoteKind.Indirect).ShouldBe(2);
    }
}
