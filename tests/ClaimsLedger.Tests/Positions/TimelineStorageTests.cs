using ClaimsLedger.Infrastructure;
using ClaimsLedger.Positions;
using ClaimsLedger.Statements;
using Configuration = ClaimsLedger.Positions.Configuration;
using ClaimsLedger.Tests.Support;
using CsCheck;
using Marten;
using Npgsql;
using Shouldly;
using Weasel.Core;

namespace ClaimsLedger.Tests.Positions;

/// <summary>
/// A timeline's entries are rows (its revisions in force), read in stated order off one partial index: the order
/// PostgreSQL keeps must be the order the timeline shows, and Marten must own the index like any other.
/// </summary>
public sealed class TimelineStorageTests(AppFixture fixture) : ApiContext(fixture)
{
    private static readonly Gen<StatedTime> Stated = Gen.OneOf(
        Gen.Int[2015, 2017].Select(StatedTime.OfYear),
        Gen.Select(Gen.Int[2015, 2017], Gen.Int[1, 12], StatedTime.OfMonth),
        Gen.Select(Gen.Int[2015, 2017], Gen.Int[1, 12], Gen.Int[1, 28], StatedTime.OfDay),
        Gen.Select(Gen.Int[2015, 2017], Gen.Int[1, 12], Gen.Int[1, 28], Gen.Int[0, 23],
            (year, month, day, hour) => StatedTime.Of(new DateTimeOffset(year, month, day, hour, 0, 0, TimeSpan.Zero))));

    private static readonly Gen<TimelineEntry> Entries = Gen.Select(Stated, Gen.Int[0, 3], Gen.Guid, (stated, recorded, id) =>
        new TimelineEntry(id, stated, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(recorded), "quote", QuoteKind.Partial,
            new Attribution(Guid.Empty, "someone", null, null, null, null), [], "assessing", null, null));

    [Fact]
    public void The_stored_order_key_sorts_entries_exactly_as_the_timeline_orders_them()
    {
        Gen.Select(Entries, Entries).Sample((left, right) =>
            Math.Sign(string.CompareOrdinal(left.StatedOrderKey(), right.StatedOrderKey())) == Math.Sign(TimelineEntry.StatedOrder(left, right)));
        // Only the order's own fields count: the same statement with another quote keeps its place.
        Entries.Sample(entry => (entry with { Quote = "other" }).StatedOrderKey() == entry.StatedOrderKey());
    }

    [Fact]
    public async Task Setup_creates_the_current_entries_index_and_a_later_migration_finds_nothing_to_change()
    {
        await using var connection = new NpgsqlConnection(AppFixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select indexdef from pg_indexes where schemaname = @schema and indexname = @index", connection);
        command.Parameters.AddWithValue("schema", Fixture.Schema);
        command.Parameters.AddWithValue("index", Configuration.CurrentEntriesIndexName);

        var definition = (string?)await command.ExecuteScalarAsync();

        definition.ShouldNotBeNull();
        definition.ShouldContain("WHERE (known_until IS NULL)");
        var migration = await Store.Storage.Database.CreateMigrationAsync();
        var tables = migration.Deltas.Where(delta => delta.SchemaObject.Identifier.Name is "mt_doc_timelinerevision" or "mt_doc_positiontimeline").ToList();
        tables.Count.ShouldBe(2);
        tables.ShouldAllBe(delta => delta.Difference == SchemaPatchDifference.None);
    }

    [Fact]
    public async Task A_timelines_current_entries_are_read_in_order_off_the_index()
    {
        await using var session = Store.QuerySession();
        var command = session.Query<TimelineRevision>().Where(PositionTimeline.InForceOn("speaker:x:y"))
            .OrderBy(revision => revision.StatedOrder).Select(revision => revision.Entry).ToCommand();
        await using var connection = new NpgsqlConnection(AppFixture.ConnectionString);
        await connection.OpenAsync();
        await using (var off = new NpgsqlCommand("set enable_seqscan = off; set enable_sort = off", connection))
        {
            await off.ExecuteNonQueryAsync();
        }

        await using var explain = new NpgsqlCommand("explain " + command.CommandText, connection);
        foreach (NpgsqlParameter parameter in command.Parameters)
        {
            explain.Parameters.Add(new NpgsqlParameter { ParameterName = parameter.ParameterName, Value = parameter.Value, NpgsqlDbType = parameter.NpgsqlDbType });
        }

        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0));
            }
        }

        plan.ShouldContain(line => line.Contains($"Index Scan using {Configuration.CurrentEntriesIndexName}", StringComparison.Ordinal), string.Join('\n', plan));
        plan.ShouldNotContain(line => line.Contains("Sort", StringComparison.Ordinal), string.Join('\n', plan));
    }
}
