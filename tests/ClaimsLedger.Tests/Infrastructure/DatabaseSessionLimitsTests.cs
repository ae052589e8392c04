using ClaimsLedger.Infrastructure;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Shouldly;

namespace ClaimsLedger.Tests.Infrastructure;

/// <summary>The idle-in-transaction bound goes on every connection, beside whatever Options the operator set.</summary>
public sealed class DatabaseSessionLimitsTests
{
    private const string Connection = "Host=db;Database=claimsledger;Username=claimsledger_app";

    private static IConfiguration Settings(string? timeout) =>
        new ConfigurationBuilder().AddInMemoryCollection(
            timeout is null ? [] : [new KeyValuePair<string, string?>(DatabaseSessionLimits.IdleInTransactionTimeoutKey, timeout)]).Build();

    private static string? OptionsOf(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString).Options;

    [Fact]
    public void By_default_sessions_may_sit_idle_in_a_transaction_for_30_seconds() =>
        OptionsOf(DatabaseSessionLimits.Apply(Connection, Settings(null))).ShouldBe("-c synchronous_commit=on -c idle_in_transaction_session_timeout=30000");

    [Fact]
    public void The_configured_timeout_is_set_in_milliseconds_after_the_operators_own_options()
    {
        var applied = DatabaseSessionLimits.Apply($"{Connection};Options=-c statement_timeout=60000", Settings("00:00:02.5"));

        OptionsOf(applied).ShouldBe("-c statement_timeout=60000 -c synchronous_commit=on -c idle_in_transaction_session_timeout=2500");
        new NpgsqlConnectionStringBuilder(applied).Host.ShouldBe("db");
    }

    [Fact]
    public void Zero_sets_no_timeout_but_commits_stay_durable() =>
        OptionsOf(DatabaseSessionLimits.Apply(Connection, Settings("0"))).ShouldBe("-c synchronous_commit=on");

    [Fact]
    public void An_operator_who_names_synchronous_commit_keeps_their_choice() =>
        OptionsOf(DatabaseSessionLimits.Apply($"{Connection};Options=-c synchronous_commit=remote_apply", Settings(null)))
            .ShouldBe("-c synchronous_commit=remote_apply -c idle_in_transaction_session_timeout=30000");

    [Fact]
    public void A_connection_string_that_sets_the_timeout_itself_is_refused() =>
        Should.Throw<InvalidOperationException>(() =>
                DatabaseSessionLimits.Apply($"{Connection};Options=-c IDLE_IN_TRANSACTION_SESSION_TIMEOUT=5s", Settings(null)))
            .Message.ShouldContain(DatabaseSessionLimits.IdleInTransactionTimeoutKey);

    [Theory]
    [InlineData("thirty seconds")]
    [InlineData("-00:00:05")]
    [InlineData("00:00:00.5")]
    [InlineData("00:00:01.0001")]
    [InlineData("30.00:00:00")]
    public void A_timeout_that_is_not_whole_milliseconds_from_a_second_to_PostgreSQLs_limit_is_refused(string timeout) =>
        Should.Throw<InvalidOperationException>(() => DatabaseSessionLimits.Apply(Connection, Settings(timeout)))
            .Message.ShouldContain(DatabaseSessionLimits.IdleInTransactionTimeoutKey);
}
