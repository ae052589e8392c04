using ClaimsLedger.Infrastructure;
using ClaimsLedger.Tests.Support;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Shouldly;

namespace ClaimsLedger.Tests.Infrastructure;

public sealed class DatabasePreparedStatementsTests
{
    private const string Given = "Host=db.example;Database=claimsledger;Username=claimsledger_app;Password='a;b'";

    private static IConfiguration Settings(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.ToDictionary(setting => setting.Key, setting => (string?)setting.Value)).Build();

    [Fact]
    public void The_service_prepares_its_repeated_statements_unless_the_operator_says_otherwise()
    {
        new NpgsqlConnectionStringBuilder(DatabasePreparedStatements.Apply(Given, Settings())).MaxAutoPrepare
            .ShouldBe(DatabasePreparedStatements.DefaultMaxAutoPrepare);
        new NpgsqlConnectionStringBuilder(DatabasePreparedStatements.Apply(Given, Settings((DatabasePreparedStatements.MaxAutoPrepareKey, "0")))).MaxAutoPrepare
            .ShouldBe(0);
        DatabasePreparedStatements.Apply($"{Given};max auto prepare=7", Settings()).ShouldBe($"{Given};max auto prepare=7");
        new NpgsqlConnectionStringBuilder(DatabasePreparedStatements.Apply(Given, Settings())).Password.ShouldBe("a;b");
        Should.Throw<InvalidOperationException>(() => DatabasePreparedStatements.Apply(Given, Settings((DatabasePreparedStatements.MaxAutoPrepareKey, "-1"))))
            .Message.ShouldContain(DatabasePreparedStatements.MaxAutoPrepareKey);
    }

    [Fact]
    public async Task A_connection_back_from_the_pool_still_has_its_statements_prepared()
    {
        // One connection in the pool, so the second checkout is the same PostgreSQL session as the first.
        var connectionString = new NpgsqlConnectionStringBuilder(DatabasePreparedStatements.Apply(AppFixture.RuntimeConnectionString, Settings()))
        {
            MaxPoolSize = 1,
            ApplicationName = $"prepared-{Guid.NewGuid():N}",
        }.ConnectionString;
        await using var source = NpgsqlDataSource.Create(connectionString);

        int backend;
        await using (var first = await source.OpenConnectionAsync())
        {
            backend = first.ProcessID;
            for (var use = 0; use < 10; use++)
            {
                await using var repeated = new NpgsqlCommand("select count(*) from pg_class where relname = $1", first);
                repeated.Parameters.AddWithValue("pg_class");
                await repeated.ExecuteScalarAsync();
            }
        }

        await using var second = await source.OpenConnectionAsync();
        second.ProcessID.ShouldBe(backend);
        await using var prepared = new NpgsqlCommand("select count(*) from pg_prepared_statements where statement like '%relname = $1%'", second);
        // Returned to the pool and reset, the session kept the plan: it was not reset with DISCARD ALL.
        ((long)(await prepared.ExecuteScalarAsync())!).ShouldBe(1);
    }
}
