using System.Net;
using Alba;
using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using ClaimsLedger.Search.SearchingStatements;
using ClaimsLedger.Statements;
using ClaimsLedger.Statements.CorrectingQuotes;
using ClaimsLedger.Statements.Recording;
using ClaimsLedger.Statements.Retracting;
using ClaimsLedger.Statements.Withdrawing;
using ClaimsLedger.Tests.Support;
using Shouldly;

namespace ClaimsLedger.Tests.Search;

/// <summary>Quote search as a reader uses it: what is found, in which order, highlighted how, and what is refused.</summary>
public sealed class SearchStatementsTests(SearchFixture fixture) : SearchContext(fixture)
{
    private Task<Guid> RecordAsync(
        Guid speakerId, string quote, string statedAt = "2016-01-27", Guid? topicId = null, QuoteKind kind = QuoteKind.Partial,
        string outlet = "i-HLS", string? reportedVia = null) =>
        Given.CreateAsync("/api/statements",
            new RecordStatement(speakerId, null, quote, kind, statedAt, topicId is null ? [] : [topicId.Value],
                new SourceInput(outlet, ReportedVia: reportedVia)),
            Roles.Recorder);

    private async Task<Guid> SpeakerAsync(string name = "Peter Cook", string title = "Pentagon Press Secretary", string organization = "U.S. Department of Defense") =>
        await Given.SpeakerAsync(name, await Given.OrganizationAsync(organization), title);

    [Fact]
    public async Task The_exact_phrase_in_a_quote_ranks_above_one_word_of_it_and_above_a_match_only_in_the_outlet()
    {
        var (military, options) = (Word(), Word());
        var cook = await SpeakerAsync();
        var phrase = await RecordAsync(cook, $"we are looking at {military} {options} in Libya");
        var oneWord = await RecordAsync(cook, $"the {options} are open");
        var apart = await RecordAsync(cook, $"{options} exist, but {military} action is not imminent");
        var outletOnly = await RecordAsync(cook, "nothing to announce today", outlet: $"{military} {options} weekly");

        var either = await SearchAsync($"{military} or {options}");
        either.Items.Select(hit => hit.Id).ShouldBe([phrase, apart, oneWord, outletOnly], ignoreOrder: true);
        Rank(either, phrase).ShouldBe(either.Items.Max(hit => hit.Rank));
        Rank(either, phrase).ShouldBeGreaterThan(Rank(either, oneWord));
        Rank(either, phrase).ShouldBeGreaterThan(Rank(either, outletOnly));

        var both = await SearchAsync($"{military} {options}");
        both.Items.Select(hit => hit.Id).ShouldBe([phrase, apart, outletOnly]);
        both.Items[0].Snippet.ShouldContain($"<mark>{military}</mark> <mark>{options}</mark>");

        var quoted = await SearchAsync($"\"{military} {options}\"");
        quoted.Items.Select(hit => hit.Id).ShouldBe([phrase, outletOnly]);
        quoted.Items[0].Snippet.ShouldBe($"we are looking at <mark>{military}</mark> <mark>{options}</mark> in Libya");
        quoted.Items[1].Snippet.ShouldBe("nothing to announce today");
    }

    [Fact]
    public async Task A_match_in_the_quote_ranks_above_a_match_in_the_speaker_and_the_role_and_organization_are_searched_too()
    {
        var name = Word();
        var (title, organization) = (Word(), Word());
        var named = await SpeakerAsync($"Peter {name}", $"{title} spokesman", $"{organization} Ministry");
        var other = await SpeakerAsync();
        var bySpeaker = await RecordAsync(named, "we will keep assessing the situation");
        var aboutSpeaker = await RecordAsync(other, $"as {name} told reporters, nothing has been decided");

        var found = await SearchAsync(name);
        found.Items.Select(hit => hit.Id).ShouldBe([aboutSpeaker, bySpeaker]);

        var byRole = (await SearchAsync(title)).Items.ShouldHaveSingleItem();
        byRole.Id.ShouldBe(bySpeaker);
        byRole.Speaker.Id.ShouldBe(named);
        byRole.Speaker.Name.ShouldBe($"Peter {name}");
        byRole.Role.ShouldBe($"{title} spokesman");
        byRole.Organization!.Name.ShouldBe($"{organization} Ministry");
        (await SearchAsync(organization)).Items.Select(hit => hit.Id).ShouldBe([bySpeaker]);
    }

    [Fact]
    public async Task A_hit_says_what_a_reader_needs_to_show_it()
    {
        var word = Word();
        var cook = await SpeakerAsync();
        var topic = await Given.TopicAsync();
        var id = await RecordAsync(cook, $"the {word} is real", "2016-01", topic, QuoteKind.Direct, outlet: "i-HLS", reportedVia: "DW");

        var hit = (await SearchAsync(word)).Items.ShouldHaveSingleItem();

        hit.Id.ShouldBe(id);
        hit.Url.ShouldBe($"/api/statements/{id}");
        hit.Quote.ShouldBe($"the {word} is real");
        hit.Snippet.ShouldBe($"the <mark>{word}</mark> is real");
        hit.Speaker.ShouldBe(new HitSpeaker(cook, "Peter Cook"));
        hit.Role.ShouldBe("Pentagon Press Secretary");
        hit.Organization!.Name.ShouldBe("U.S. Department of Defense");
        hit.StatedAt.ToString().ShouldBe("2016-01");
        hit.Kind.ShouldBe(QuoteKind.Direct);
        hit.Outlets.ShouldBe(["i-HLS", "DW"]);
        hit.TopicIds.ShouldBe([topic]);
        hit.Retracted.ShouldBeFalse();
        hit.Rank.ShouldBeGreaterThan(0f);
        await Host.GetJsonAsync<object>(hit.Url, Reader);
    }

    [Fact]
    public async Task Each_filter_narrows_the_hits_to_what_it_names()
    {
        var word = Word();
        var cook = await SpeakerAsync();
        var carter = await SpeakerAsync("Ashton Carter", "Defense secretary");
        var libya = await Given.TopicAsync();
        var syria = await Given.TopicAsync("U.S. military action in Syria");
        var december = await RecordAsync(cook, $"{word} in December", "2015-12-15", libya, QuoteKind.Direct, outlet: "Reuters");
        var january = await RecordAsync(cook, $"{word} in January", "2016-01-27", syria, QuoteKind.Partial, outlet: "i-HLS", reportedVia: "Homeland Security News Wire");
        var lateJanuary = await RecordAsync(carter, $"{word} late in January", "2016-01-31T23:00:00Z", libya, QuoteKind.Indirect, outlet: "DW");
        var february = await RecordAsync(carter, $"{word} in February", "2016-02", null, QuoteKind.Partial, outlet: "Reuters");

        async Task<IEnumerable<Guid>> Found(string filters) => (await SearchAsync(word, filters)).Items.Select(hit => hit.Id);

        (await Found($"speakerId={cook}")).ShouldBe([december, january], ignoreOrder: true);
        (await Found($"topicId={libya}")).ShouldBe([december, lateJanuary], ignoreOrder: true);
        (await Found("outlet=reuters")).ShouldBe([december, february], ignoreOrder: true);
        (await Found("outlet=HOMELAND%20SECURITY%20NEWS%20WIRE")).ShouldBe([january]);
        (await Found("outlet=Reut")).ShouldBeEmpty();
        (await Found("kind=indirect")).ShouldBe([lateJanuary]);
        (await Found("kind=Partial")).ShouldBe([january, february], ignoreOrder: true);
        (await Found("from=2016-01&to=2016-01")).ShouldBe([january, lateJanuary], ignoreOrder: true);
        (await Found("from=2016")).ShouldBe([january, lateJanuary, february], ignoreOrder: true);
        (await Found("to=2016-01-27")).ShouldBe([december, january], ignoreOrder: true);
        (await Found("from=2016-01-28&to=2016-01-31T23:00:00Z")).ShouldBe([lateJanuary]);
        (await Found("to=2016-01-31T22:59:59Z")).ShouldBe([december, january], ignoreOrder: true);
        (await Found($"speakerId={carter}&topicId={libya}&kind=indirect&outlet=dw&from=2016-01&to=2016")).ShouldBe([lateJanuary]);
        (await Found($"speakerId={Guid.NewGuid()}")).ShouldBeEmpty();
    }

    [Fact]
    public async Task Pages_follow_one_another_by_cursor_without_repeats_or_gaps_in_rank_order()
    {
        var word = Word();
        var cook = await SpeakerAsync();
        int[] occurrences = [1, 3, 2, 1, 2, 4, 1, 3, 2];
        var ids = new List<Guid>();
        foreach (var (count, index) in occurrences.Select((count, index) => (count, index)))
        {
            ids.Add(await RecordAsync(cook, $"remark {index}: " + string.Join(" and ", Enumerable.Repeat(word, count))));
        }

        var whole = await SearchAsync(word, "limit=100");
        whole.NextCursor.ShouldBeNull();
        whole.Items.Select(hit => hit.Rank).ShouldBeInOrder(SortDirection.Descending);
        whole.Items.Select(hit => hit.Rank).Distinct().Count().ShouldBe(4);

        var paged = new List<StatementHit>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await SearchAsync(word, "limit=2" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
            page.Items.Count.ShouldBeLessThanOrEqualTo(2);
            paged.AddRange(page.Items);
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null);

        pages.ShouldBe(5);
        paged.Select(hit => hit.Id).ShouldBe(whole.Items.Select(hit => hit.Id));
        paged.Select(hit => hit.Id).ShouldBe(ids, ignoreOrder: true);
    }

    [Fact]
    public async Task A_cursor_that_is_not_ours_or_is_from_another_search_is_a_400_naming_cursor()
    {
        var word = Word();
        var cook = await SpeakerAsync();
        await RecordAsync(cook, $"{word} one");
        await RecordAsync(cook, $"{word} two");
        var first = await SearchAsync(word, "limit=1");
        var cursor = first.NextCursor.ShouldNotBeNull();

        string[] refused =
        [
            $"q={word}&cursor=garbage",
            $"q={word}&cursor={Uri.EscapeDataString(cursor[..^2])}",
            $"q={word}&cursor={new string('A', 2000)}",
            $"q={word}%20or%20other&limit=1&cursor={Uri.EscapeDataString(cursor)}",
            $"q={word}&limit=1&kind=direct&cursor={Uri.EscapeDataString(cursor)}",
        ];
        foreach (var query in refused)
        {
            await this.ShouldBeRefusedAsync(s =>
            {
                s.WithBearerToken(Reader);
                s.Get.Url($"/api/search/statements?{query}");
            }, 400, "cursor");
        }

        (await SearchAsync(word, $"limit=1&cursor={Uri.EscapeDataString(cursor)}")).Items.ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Withdrawn_statements_are_never_found_retracted_ones_are_found_and_marked_and_corrections_are_searched()
    {
        var word = Word();
        var cook = await SpeakerAsync();
        var withdrawn = await RecordAsync(cook, $"{word} recorded in error");
        var retracted = await RecordAsync(cook, $"{word} walked back");
        var corrected = await RecordAsync(cook, $"{word} as first misheard");
        await Given.ChangeAsync($"/api/statements/{withdrawn}/withdrawal", new WithdrawStatement("Recorded against the wrong speaker", 1), Roles.Editor);
        await Given.ChangeAsync($"/api/statements/{retracted}/retraction", new RetractStatement("2016-02-01", null, "He walked it back", 1), Roles.Editor);
        await Given.ChangeAsync($"/api/statements/{corrected}/quote-corrections", new CorrectQuote($"{word} as actually said", null, "Transcript", 1), Roles.Editor);

        var hits = (await SearchAsync(word)).Items;

        hits.Select(hit => hit.Id).ShouldBe([retracted, corrected], ignoreOrder: true);
        hits.Single(hit => hit.Id == retracted).Retracted.ShouldBeTrue();
        hits.Single(hit => hit.Id == corrected).Retracted.ShouldBeFalse();
        (await SearchAsync($"{word} error")).Items.ShouldBeEmpty();
        (await SearchAsync($"{word} misheard")).Items.ShouldBeEmpty();
        (await SearchAsync($"{word} actually")).Items.Single().Snippet.ShouldBe($"<mark>{word}</mark> as <mark>actually</mark> said");
    }

    [Fact]
    public async Task The_snippet_is_html_whose_only_markup_is_mark_and_the_quote_stays_plain_text()
    {
        var word = Word();
        var cook = await SpeakerAsync();
        var quote = $"<script>alert(\"{word}\")</script> & it's <b>{word}</b> <mark>not ours</mark>";
        await RecordAsync(cook, quote);

        var hit = (await SearchAsync(word)).Items.ShouldHaveSingleItem();

        hit.Quote.ShouldBe(quote);
        hit.Snippet.ShouldBe(
            $"&lt;script&gt;alert(&quot;<mark>{word}</mark>&quot;)&lt;/script&gt; &amp; it&#39;s &lt;b&gt;<mark>{word}</mark>&lt;/b&gt; &lt;mark&gt;not ours&lt;/mark&gt;");
        SnippetHtml.ShouldBeSafe(hit.Snippet, quote);
    }

    [Fact]
    public async Task A_long_quote_is_shown_as_passages_around_the_matches_still_escaped()
    {
        var word = Word();
        var cook = await SpeakerAsync();
        var filler = string.Join(" ", Enumerable.Range(0, 40).Select(index => $"<i>filler{index}</i>"));
        var quote = $"{filler} the {word} came at last & then <script>x</script> {filler}";
        await RecordAsync(cook, quote);

        var hit = (await SearchAsync(word)).Items.ShouldHaveSingleItem();

        hit.Snippet.Length.ShouldBeLessThan(quote.Length);
        hit.Snippet.ShouldContain($"<mark>{word}</mark>");
        hit.Snippet.ShouldContain("&amp;");
        SnippetHtml.ShouldBeSafe(hit.Snippet, quote);
    }

    [Theory]
    [InlineData("'\"&|!():*<>")]
    [InlineData("!!!")]
    [InlineData("\"\"")]
    [InlineData("-")]
    [InlineData("or")]
    [InlineData("the and of")]
    [InlineData("a:* | b & !c <-> d")]
    [InlineData("\\' ; drop table mt_events; --")]
    public async Task Hostile_or_empty_queries_are_answered_not_crashed_on(string q)
    {
        var page = await SearchAsync(q);

        page.NextCursor.ShouldBeNull();
    }

    [Theory]
    [InlineData("", "q")]
    [InlineData("q=", "q")]
    [InlineData("q=%20%20", "q")]
    [InlineData("q=a%00b", "q")]
    [InlineData("q=x&speakerId=not-a-guid", "speakerId")]
    [InlineData("q=x&topicId=123", "topicId")]
    [InlineData("q=x&from=last%20week", "from")]
    [InlineData("q=x&to=2016-13", "to")]
    [InlineData("q=x&to=2016-01-27T10:00:00", "to")]
    [InlineData("q=x&from=2016-02&to=2016-01", "from")]
    [InlineData("q=x&from=2016-01-28&to=2016-01-27T12:00:00Z", "from")]
    [InlineData("q=x&kind=shouted", "kind")]
    [InlineData("q=x&kind=1", "kind")]
    [InlineData("q=x&limit=0", "limit")]
    [InlineData("q=x&limit=101", "limit")]
    [InlineData("q=x&limit=ten", "limit")]
    public async Task A_bad_parameter_is_a_400_naming_it(string query, string field)
    {
        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Reader);
            s.Get.Url($"/api/search/statements?{query}");
        }, 400, field);
    }

    [Theory]
    [InlineData(201)]
    [InlineData(10_000)]
    public async Task A_query_longer_than_200_characters_is_a_400_naming_q(int length)
    {
        var q = string.Concat(Enumerable.Repeat("'\"&|!():*<>", (length / 11) + 1))[..length];

        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Reader);
            s.Get.Url($"/api/search/statements?q={Uri.EscapeDataString(q)}");
        }, 400, "q");
    }

    [Fact]
    public async Task A_query_of_exactly_200_characters_is_answered()
    {
        var page = await SearchAsync(string.Concat(Enumerable.Repeat("word ", 40)));

        page.Items.ShouldBeEmpty();
    }

    [Fact]
    public async Task Searching_needs_a_token_and_a_reader_may_search()
    {
        var result = await Host.Scenario(s =>
        {
            s.Get.Url("/api/search/statements?q=military");
            s.StatusCodeShouldBe(HttpStatusCode.Unauthorized);
        });
        result.Context.Response.StatusCode.ShouldBe(401);

        await Host.Scenario(s =>
        {
            s.WithBearerToken(Fixture.TokenFor());
            s.Get.Url("/api/search/statements?q=military");
            s.StatusCodeShouldBe(HttpStatusCode.Forbidden);
        });
        await Host.Scenario(s =>
        {
            s.WithBearerToken(Reader);
            s.Get.Url("/api/search/statements?q=military");
            s.StatusCodeShouldBeOk();
        });
    }

    private static float Rank(Page<StatementHit> page, Guid id) => page.Items.Single(hit => hit.Id == id).Rank;
}
