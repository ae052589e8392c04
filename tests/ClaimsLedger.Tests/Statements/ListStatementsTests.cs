using ClaimsLedger.Infrastructure.Http;
using ClaimsLedger.Statements.GettingDetails;
using ClaimsLedger.Tests.Support;
using Shouldly;

namespace ClaimsLedger.Tests.Statements;

public sealed class ListStatementsTests(AppFixture fixture) : ApiContext(fixture)
{
    [Fact]
    public async Task A_speakers_statements_page_by_cursor_most_recently_stated_first_without_gaps_or_repeats()
    {
        var cook = await Given.SpeakerAsync("Peter Cook", await Given.OrganizationAsync());
        string[] days = ["2016-01-05", "2016-01-27", "2016-01-12", "2016-02-19", "2016-01-27", "2016-03-01", "2016-01-01"];
        foreach (var day in days)
        {
            await Given.StatementAsync(cook, $"said on {day}", day);
        }

        var seen = new List<StatementDetails>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var url = $"/api/statements?speakerId={cook}&limit=3" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}");
            var page = await Host.GetJsonAsync<Page<StatementDetails>>(url, Reader);
            seen.AddRange(page.Items);
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null);

        pages.ShouldBe(3);
        seen.Count.ShouldBe(days.Length);
        seen.Select(statement => statement.Id).Distinct().Count().ShouldBe(days.Length);
        seen.Select(statement => statement.StatedAt.Start).ShouldBeInOrder(SortDirection.Descending);
    }

    [Fact]
    public async Task Statements_filter_by_stated_period()
    {
        var cook = await Given.SpeakerAsync("Peter Cook", await Given.OrganizationAsync());
        await Given.StatementAsync(cook, "december", "2015-12-15");
        var january = await Given.StatementAsync(cook, "january", "2016-01-27");
        await Given.StatementAsync(cook, "february", "2016-02-19");

        var page = await Host.GetJsonAsync<Page<StatementDetails>>($"/api/statements?speakerId={cook}&from=2016-01&to=2016-01", Reader);

        page.Items.Select(statement => statement.Id).ShouldBe([january]);
    }
}
