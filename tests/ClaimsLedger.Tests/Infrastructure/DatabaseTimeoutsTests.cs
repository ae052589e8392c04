using ClaimsLedger.Infrastructure;
using ClaimsLedger.Infrastructure.Http;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Shouldly;

namespace ClaimsLedger.Tests.Infrastructure;

public sealed class DatabaseTimeoutsTests
{
    private const string Given = "Host=db.example;Port=5432;Database=claimsledger;Username=claimsledger_app;Password='a;b'";

    private static IConfiguration Settings(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.ToDictionary(setting => setting.Key, setting => (string?)setting.Value)).Build();

    private static NpgsqlConnectionStringBuilder Applied(string connectionString, IConfiguration? settings = null) =>
        new(DatabaseTimeouts.Apply(connectionString, settings ?? Settings()));

    [Fact]
    public void A_dead_database_is_given_up_on_well_within_the_request_limit()
    {
        var applied = Applied(Given);

        (applied.Timeout, applied.CommandTimeout).ShouldBe((DatabaseTimeouts.DefaultConnectSeconds, DatabaseTimeouts.DefaultCommandSeconds));
        // A request that connects and then waits for one command still has time to answer its 503 itself.
        TimeSpan.FromSeconds(applied.Timeout + applied.CommandTimeout).ShouldBeLessThan(new RequestTimeoutSettings().Default);
        // Npgsql's own defaults would not be: 15 s to connect, 30 s per command.
        var npgsql = new NpgsqlConnectionStringBuilder(Given);
        TimeSpan.FromSeconds(npgsql.Timeout + npgsql.CommandTimeout).ShouldBeGreaterThan(new RequestTimeoutSettings().Default);
    }

    [Fact]
    public void The_operator_s_connection_string_keeps_its_own_timeouts_and_the_rest_of_its_text()
    {
        var applied = DatabaseTimeouts.Apply(Given + ";Command Timeout=120;", Settings());

        applied.ShouldStartWith(Given + ";Command Timeout=120");
        new NpgsqlConnectionStringBuilder(applied).CommandTimeout.ShouldBe(120);
        new NpgsqlConnectionStringBuilder(applied).Timeout.ShouldBe(DatabaseTimeouts.DefaultConnectSeconds);
        new NpgsqlConnectionStringBuilder(applied).Password.ShouldBe("a;b");
        (Applied("Host=db;timeout=2;CommandTimeout=0").Timeout, Applied("Host=db;timeout=2;CommandTimeout=0").CommandTimeout).ShouldBe((2, 0));
        DatabaseTimeouts.Apply("Host=db;Timeout=2;Command Timeout=3", Settings()).ShouldBe("Host=db;Timeout=2;Command Timeout=3");
    }

    [Fact]
    public void Settings_replace_the_defaults_and_refuse_a_negative_wait()
    {
        var applied = Applied(Given, Settings((DatabaseTimeouts.ConnectTimeoutKey, "2"), (DatabaseTimeouts.CommandTimeoutKey, "0")));

        (applied.Timeout, applied.CommandTimeout).ShouldBe((2, 0));
        Should.Throw<InvalidOperationException>(() => DatabaseTimeouts.Apply(Given, Settings((DatabaseTimeouts.CommandTimeoutKey, "-1"))))
            .Message.ShouldContain(DatabaseTimeouts.CommandTimeoutKey);
    }
}
