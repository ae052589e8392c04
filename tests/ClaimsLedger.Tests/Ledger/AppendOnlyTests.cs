using ClaimsLedger.Tests.Support;
using Npgsql;
using Shouldly;

namespace ClaimsLedger.Tests.Ledger;

/// <summary>
/// The event log is append-only by PostgreSQL's own rules: the runtime role the service uses lacks
/// the privileges to change it, and triggers refuse even the owner. (Everything else the product does
/// already runs as that role: every other test's host connects as it.)
/// </summary>
public sealed class AppendOnlyTests(AppFixture fixture) : ApiContext(fixture)
{
    private string Schema => Fixture.Schema;

    private static async Task<PostgresException> RefusedAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await Should.ThrowAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
    }

    private async Task<long> AnEventAsync()
    {
        await Given.OrganizationAsync();
        await using var connection = new NpgsqlConnection(AppFixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select max(seq_id) from {Schema}.mt_events", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Theory]
    [InlineData("update {0}.mt_events set data = '{{}}' where seq_id = {1}")]
    [InlineData("delete from {0}.mt_events where seq_id = {1}")]
    [InlineData("truncate {0}.mt_events cascade")]
    [InlineData("delete from {0}.mt_streams")]
    [InlineData("update {0}.ledger_checkpoints set tree_size = 0")]
    public async Task The_runtime_role_cannot_change_or_remove_what_was_recorded(string statement)
    {
        var sequence = await AnEventAsync();

        var refused = await RefusedAsync(AppFixture.RuntimeConnectionString, string.Format(System.Globalization.CultureInfo.InvariantCulture, statement, Schema, sequence));

        refused.SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege);
        refused.MessageText.ShouldStartWith("permission denied for table");
    }

    [Theory]
    [InlineData("update {0}.mt_events set data = '{{}}' where seq_id = {1}")]
    [InlineData("delete from {0}.mt_events where seq_id = {1}")]
    [InlineData("truncate {0}.mt_events cascade")]
    [InlineData("delete from {0}.mt_streams")]
    [InlineData("update {0}.mt_streams set version = version - 1")]
    public async Task Even_the_owner_is_refused_by_the_triggers(string statement)
    {
        var sequence = await AnEventAsync();

        var refused = await RefusedAsync(AppFixture.ConnectionString, string.Format(System.Globalization.CultureInfo.InvariantCulture, statement, Schema, sequence));

        refused.MessageText.ShouldStartWith("claimsledger:");
        refused.MessageText.ShouldContain("refused");
    }
}
