using ClaimsLedger.Search;
using Marten;
using Npgsql;
using Shouldly;

namespace ClaimsLedger.Tests.Support;

/// <summary>A host of its own for tests that rebuild every view or compare whole schemas.</summary>
public sealed class ReplayFixture : AppFixture;

[CollectionDefinition(Name)]
public sealed class ReplayCollection : ICollectionFixture<ReplayFixture>
{
    public const string Name = "replay";
}

/// <summary>
/// Every stored view document of a schema, and the search vector stored for each statement, for comparing
/// two builds of the same log.
/// </summary>
public static class Views
{
    public static Task<SortedDictionary<string, string>> SnapshotAsync(IDocumentStore store) =>
        SnapshotAsync(store.Options.Events.DatabaseSchemaName, AppFixture.ConnectionString);

    public static async Task<SortedDictionary<string, string>> SnapshotAsync(string schema, string database)
    {
        var documents = new SortedDictionary<string, string>(StringComparer.Ordinal);
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand(
            "select table_name from information_schema.tables where table_schema = @schema and table_name like 'mt_doc_%' order by 1", connection))
        {
            list.Parameters.AddWithValue("schema", schema);
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        tables.Add(StatementSearchVectors.TableName);

        foreach (var table in tables)
        {
            var data = table == StatementSearchVectors.TableName ? "vector" : "data";
            await using var rows = new NpgsqlCommand($"select id::text, {data}::text from {schema}.{table}", connection);
            await using var reader = await rows.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                documents[$"{table}/{reader.GetString(0)}"] = reader.GetString(1);
            }
        }

        return documents;
    }

    /// <summary>Asserts two snapshots hold the same documents, naming the first one that differs.</summary>
    public static void ShouldMatch(this SortedDictionary<string, string> actual, SortedDictionary<string, string> expected)
    {
        foreach (var (key, document) in expected)
        {
            actual.TryGetValue(key, out var other).ShouldBeTrue($"{key} is missing");
            other.ShouldBe(document, key);
        }

        actual.Keys.Except(expected.Keys).ShouldBeEmpty("documents that should not exist");
    }
}
