using System.Text.RegularExpressions;
using ClaimsLedger.Search;
using ClaimsLedger.Search.SearchingStatements;
using ClaimsLedger.Statements.GettingDetails;
using ClaimsLedger.Tests.Support;
using Marten;
using Npgsql;
using Shouldly;
using Weasel.Core;

namespace ClaimsLedger.Tests.Search;

/// <summary>The stored vectors and their index are Marten's to create and migrate, and the search really uses them.</summary>
public sealed partial class SearchIndexTests(SearchFixture fixture) : SearchContext(fixture)
{
    [Fact]
    public async Task Setup_creates_the_weighted_gin_index_and_a_later_migration_finds_nothing_to_change()
    {
        await using var connection = new NpgsqlConnection(AppFixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select indexdef from pg_indexes where schemaname = @schema and indexname = @index", connection);
        command.Parameters.AddWithValue("schema", Fixture.Schema);
        command.Parameters.AddWithValue("index", Configuration.SearchIndexName);

        var definition = (string?)await command.ExecuteScalarAsync();

        // The weighting itself is SearchVectorTests' (the vectors are stored, so the index holds no expression).
        definition.ShouldNotBeNull();
        definition.ShouldContain($"ON {Fixture.Schema}.{StatementSearchVectors.TableName} USING gin (vector)");

        var migration = await Store.Storage.Database.CreateMigrationAsync();
        var searched = migration.Deltas
            .Where(delta => delta.SchemaObject.Identifier.Name is "mt_doc_statementdetails" or StatementSearchVectors.TableName or StatementSearchVectors.FunctionName)
            .ToList();
        searched.Count.ShouldBe(4, "the StatementDetails table, the vectors' table, their function and trigger");
        searched.ShouldAllBe(delta => delta.Difference == SchemaPatchDifference.None);
    }

    [Fact]
    public async Task The_search_finds_its_matches_through_the_index()
    {
        // Filters with no index of their own (topic, outlet, kind) and a cursor: only the GIN index can
        // narrow the rows. (A speaker or period filter may rightly use its own btree index instead.)
        var search = new StatementSearch("military options", null, Guid.NewGuid(), "DW", null, null, "partial", 10, null);
        var sql = StatementSearchQuery.Sql(Store.Options.Schema.For<StatementDetails>(), search, afterCursor: true);

        await using var connection = new NpgsqlConnection(AppFixture.ConnectionString);
        await connection.OpenAsync();
        await using (var off = new NpgsqlCommand("set enable_seqscan = off", connection))
        {
            await off.ExecuteNonQueryAsync();
        }

        // The SQL the endpoint runs, its named parameters spelled the way Npgsql binds them.
        await using var explain = new NpgsqlCommand("explain " + NamedParameter().Replace(sql, "@$1"), connection);
        explain.Parameters.AddWithValue("q", search.Q!);
        explain.Parameters.AddWithValue("topic", search.TopicId!.Value);
        explain.Parameters.AddWithValue("outlet", search.Outlet!);
        explain.Parameters.AddWithValue("kind", "partial");
        explain.Parameters.AddWithValue("afterRank", 0.5d);
        explain.Parameters.AddWithValue("afterId", Guid.NewGuid());
        explain.Parameters.AddWithValue("take", 11);
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0));
            }
        }

        plan.ShouldContain(line => line.Contains($"Bitmap Index Scan on {Configuration.SearchIndexName}", StringComparison.Ordinal), string.Join('\n', plan));
    }

    [GeneratedRegex("(?<!:):([a-zA-Z_][a-zA-Z0-9_]*)")]
    private static partial Regex NamedParameter();
}
