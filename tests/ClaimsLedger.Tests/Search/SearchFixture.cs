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
    /// <summary>A made-up word, unique to one test, that the English stemmer and stop list leave alone.</summary>
    protected static string Word() =>
        "zq" + string.Concat(Enumerable.Range(0, 8).Select(_ => (char)('a' + Random.Shared.Next(26))));

    protected Task<Page<StatementHit>> SearchAsync(string q, string? filters = null) =>
        Host.GetJsonAsync<Page<StatementHit>>($"/api/search/statements?q={Uri.EscapeDataString(q)}{(filters is null ? "" : "&" + filters)}", Reader);
}
