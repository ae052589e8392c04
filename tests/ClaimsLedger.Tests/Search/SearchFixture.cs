using ClaimsLedger.Infrastructure.Http;
using ClaimsLedger.Search.SearchingStatements;
using ClaimsLedger.Tests.Support;

namespace ClaimsLedger.Tests.Search;

/// <summary>
/// A host of its own for search: rankings and "found first" answers must not depend on what other
/// collections record (the example data set many times over, the same quotes in many tests).
/// </summary>
public sealed class SearchFixture : AppFixture;

[CollectionDefinition(Name)]
public sealed class SearchCollection : ICollectionFixture<SearchFixture>
{
    public const string Name = "search";
}

/// <summary>Tests on the search host, with a search helper and words no other test uses.</summary>
[Collection(SearchCollection.Name)]
public abstract class SearchContext(SearchFixture fixture) : HostContext(fixture)
{
    /// <summary>
    /// Letters the English stemmer never touches in a word without vowels: its suffix rules need a vowel before the
    /// suffix, except those for a final "s" or "y" (a word ending in "y" after a consonant is stemmed to "i").
    /// </summary>
    private const string Unstemmed = "bcdfghjklmnpqrtvwxz";

    /// <summary>A made-up word, unique to one test, that the English stemmer and stop list leave alone.</summary>
    protected static string Word() =>
        "zq" + string.Concat(Enumerable.Range(0, 8).Select(_ => Unstemmed[Random.Shared.Next(Unstemmed.Length)]));

    protected Task<Page<StatementHit>> SearchAsync(string q, string? filters = null) =>
        Host.GetJsonAsync<Page<StatementHit>>($"/api/search/statements?q={Uri.EscapeDataString(q)}{(filters is null ? "" : "&" + filters)}", Reader);
}
