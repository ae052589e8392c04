using ClaimsLedger.Samples;
using ClaimsLedger.Statements;
using ClaimsLedger.Tests.Support;
using Shouldly;

namespace ClaimsLedger.Tests.Search;

/// <summary>Search over the example data set, loaded through the API as the samples tests load it.</summary>
public sealed class SearchExampleDataTests(SearchFixture fixture) : SearchContext(fixture)
{
    private static readonly string SampleFile = RepositoryFiles.Path("samples", "libya-2016.json");

    /// <summary>
    /// One copy of the set in this collection's schema, however many tests load it (loading is idempotent
    /// per set name): a second copy would tie with the first for every search.
    /// </summary>
    private async Task<SampleLoadResult> LoadAsync()
    {
        var set = await SampleLoader.ReadAsync(SampleFile, CancellationToken.None);
        var loader = new SampleLoader(Host.Server.CreateClient(), role => Fixture.TokenFor(role), "libya-2016-search");
        return await loader.LoadAsync(set, CancellationToken.None);
    }

    [Fact]
    public async Task Military_options_finds_peter_cooks_statement_first_with_the_words_marked()
    {
        var loaded = await LoadAsync();

        var page = await SearchAsync("military options");

        var first = page.Items[0];
        first.Id.ShouldBe(loaded.Ids["cook-military-options"]);
        first.Quote.ShouldBe("looking at military options");
        first.Speaker.Name.ShouldBe("Peter Cook");
        first.Role.ShouldBe("Pentagon spokesman");
        first.Organization!.Name.ShouldBe("U.S. Department of Defense");
        first.Kind.ShouldBe(QuoteKind.Partial);
        first.StatedAt.ToString().ShouldBe("2016-01-27");
        first.Outlets.ShouldBe(["i-HLS", "Homeland Security News Wire"]);
        first.TopicIds.ShouldBe([loaded.Ids["libya"]]);
        first.Snippet.ShouldBe("looking at <mark>military</mark> <mark>options</mark>");

        var phrase = await SearchAsync("\"military options\"");
        phrase.Items[0].Id.ShouldBe(first.Id);
    }

    [Fact]
    public async Task The_example_data_answers_by_speaker_outlet_and_stem()
    {
        var loaded = await LoadAsync();

        var metastasis = await SearchAsync("metastasis", $"speakerId={loaded.Ids["cook"]}");
        metastasis.Items.Select(hit => hit.Id).ShouldBe(
            [loaded.Ids["cook-metastasis"], loaded.Ids["cook-extremely-worried"]], ignoreOrder: true);
        metastasis.Items.ShouldAllBe(hit => hit.Snippet.Contains("<mark>metastasis</mark>"));

        // Carter's statement was reported by i-HLS crediting DW: a match in the outlet alone.
        var viaDw = await SearchAsync("DW", $"speakerId={loaded.Ids["carter"]}");
        viaDw.Items.ShouldHaveSingleItem().Id.ShouldBe(loaded.Ids["carter-flexible-nimble"]);
        (await SearchAsync("response", $"outlet=dw&speakerId={loaded.Ids["carter"]}")).Items.ShouldHaveSingleItem();

        // English stemming: "partners" finds "partner"; indirect speech is searchable like any quote.
        (await SearchAsync("partner", $"speakerId={loaded.Ids["cook"]}")).Items.ShouldHaveSingleItem().Id.ShouldBe(loaded.Ids["cook-looking-for-partners"]);
        (await SearchAsync("allies", $"speakerId={loaded.Ids["cook"]}&kind=indirect")).Items.Select(hit => hit.Id).ShouldBe(
            [loaded.Ids["cook-identifying-allies"], loaded.Ids["cook-assessment-not-shaping"]], ignoreOrder: true);
    }
}
