using ClaimsLedger.Statements.CorrectingQuotes;
using ClaimsLedger.Statements.History;
using ClaimsLedger.Tests.Support;
using Marten;
using Npgsql;
using Shouldly;

namespace ClaimsLedger.Tests.Reliability;

/// <summary>
/// The history projection's first stage must never stall the daemon for good: if a statement's stored
/// history goes missing, its next event refolds the statement from its own stream.
/// </summary>
public sealed class HistorySelfHealingTests(AppFixture fixture) : ApiContext(fixture)
{
    [Fact]
    public async Task A_statement_whose_stored_history_vanished_is_refolded_from_its_stream_on_its_next_event()
    {
        var cook = await Given.SpeakerAsync("Peter Cook", await Given.OrganizationAsync());
        var statement = await Given.StatementAsync(cook, "looking at militray options", "2016-01-27");
        await Given.ChangeAsync($"/api/statements/{statement}/quote-corrections", new CorrectQuote("looking at military options", null, "typo", 1), "editor");
        await Given.ProjectionsCaughtUpAsync();

        await using (var connection = new NpgsqlConnection(AppFixture.ConnectionString))
        {
            await connection.OpenAsync();
            await using var delete = new NpgsqlCommand($"delete from {Fixture.Schema}.mt_doc_statementhistory where id = @id", connection);
            delete.Parameters.AddWithValue("id", statement);
            (await delete.ExecuteNonQueryAsync()).ShouldBe(1);
        }

        await Given.ChangeAsync($"/api/statements/{statement}/quote-corrections", new CorrectQuote("we are looking at military options", null, "fuller", 2), "editor");
        await Given.ProjectionsCaughtUpAsync();

        await using var session = Store.QuerySession();
        var history = await session.LoadAsync<StatementHistory>(statement);
        history.ShouldNotBeNull();
        history.States.Select(state => state.Details.Quote).ShouldBe(["looking at militray options", "looking at military options", "we are looking at military options"]);
        history.States.Select(state => state.EventVersion).ShouldBe([1L, 2L, 3L]);
    }
}
