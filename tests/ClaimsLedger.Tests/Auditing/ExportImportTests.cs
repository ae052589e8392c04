using Alba;
using ClaimsLedger.Auditing.Importing;
using ClaimsLedger.Positions.GettingTimelines;
using ClaimsLedger.Projections;
using ClaimsLedger.Samples;
using ClaimsLedger.Tests.Support;
using JasperFx.Events.Daemon;
using Marten;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;
using Weasel.Core;
using Wolverine;

namespace ClaimsLedger.Tests.Auditing;

[Collection(ReplayCollection.Name)]
public sealed class ExportImportTests(ReplayFixture fixture) : HostContext(fixture)
{
    [Fact]
    public async Task The_example_data_exported_as_ndjson_and_imported_into_an_empty_database_gives_identical_views()
    {
        var (loaded, export) = await ExampleDataExportedAsync();

        var emptySchema = $"t_import_{Guid.NewGuid():N}"[..24];
        await using var target = await AppFixture.StartAsync(emptySchema);
        var summary = await target.Services.GetRequiredService<EventLogImporter>().ImportAsync(export, "auditor-alice", null, CancellationToken.None);
        var rebuilds = target.Services.GetRequiredService<ProjectionRebuilds>();
        var daemon = await target.Services.GetRequiredService<ProjectionPlacement>().LocalDaemonAsync();
        foreach (var name in rebuilds.Names())
        {
            var rebuilt = await rebuilds.RunAsync(new RebuildState(name, DateTimeOffset.UtcNow, summary.LastSequence, null, null, null, null),
                _ => Task.FromResult(daemon));
            rebuilt.Error.ShouldBeNull();
        }

        summary.Events.ShouldBe(File.ReadLines(export).LongCount());
        var original = await Views.SnapshotAsync(Store);
        (await Views.SnapshotAsync(target.Services.GetRequiredService<IDocumentStore>())).ShouldMatch(original);

        var url = $"/api/positions/organizations/{loaded.Ids["dod"]}/topics/{loaded.Ids["libya"]}";
        var before = await Host.Scenario(s => { s.WithBearerToken(Reader); s.Get.Url(url); });
        var after = await target.Scenario(s => { s.WithBearerToken(Reader); s.Get.Url(url); });
        (await after.ReadAsTextAsync()).ShouldBe(await before.ReadAsTextAsync());
        File.Delete(export);
    }

    /// <summary>
    /// What `import-events` does, as the owner: the views rebuilt offline in one replay of the statement streams with
    /// their tables' secondary indexes set aside, the other views on the daemon beside it.
    /// </summary>
    [Fact]
    public async Task The_example_data_imported_and_rebuilt_offline_as_the_owner_gives_identical_views_and_every_index_as_Marten_defines_it()
    {
        var (loaded, export) = await ExampleDataExportedAsync();

        var schema = $"t_import_{Guid.NewGuid():N}"[..24];
        await using var target = await AppFixture.StartAsOwnerAsync(schema);
        var indexesBefore = await IndexDefinitionsAsync(schema);
        var setAsideBefore = await IndexOidsAsync(schema, SetAside);
        var keyBefore = await IndexOidsAsync(schema, ["pkey_mt_doc_timelinerevision_id"]);
        var summary = await target.Services.GetRequiredService<EventLogImporter>().ImportAsync(export, "auditor-alice", null, CancellationToken.None);
        var rebuilds = target.Services.GetRequiredService<ProjectionRebuilds>();
        var daemon = await target.Services.GetRequiredService<ProjectionPlacement>().LocalDaemonAsync();
        // Offline means no agent writing History meanwhile, as in the command's own process.
        const string history = global::ClaimsLedger.Statements.Configuration.HistoryProjection + ":All";
        await daemon.StopAgentAsync(history);
        var results = await rebuilds.RunOfflineAsync(rebuilds.Names(), summary.LastSequence, _ => Task.FromResult(daemon));
        await daemon.StartAgentAsync(history, CancellationToken.None);

        results.Select(result => result.Projection).ShouldBe(rebuilds.Names());
        results.ShouldAllBe(result => result.Error == null && !result.Running);
        (await Views.SnapshotAsync(target.Services.GetRequiredService<IDocumentStore>())).ShouldMatch(await Views.SnapshotAsync(Store));
        // Every index the replay set aside was built again, under its own name and definition, the GIN index of the
        // search vectors among them, and Marten's migration finds nothing to change.
        (await IndexDefinitionsAsync(schema)).ShouldBe(indexesBefore);
        setAsideBefore.Count.ShouldBe(SetAside.Length);
        keyBefore.Count.ShouldBe(1);
        (await IndexOidsAsync(schema, SetAside)).ShouldAllBe(oid => !setAsideBefore.Contains(oid), "set aside, so dropped and created again");
        (await IndexOidsAsync(schema, ["pkey_mt_doc_timelinerevision_id"])).ShouldBe(keyBefore, "a primary key stays");
        var migration = await target.Services.GetRequiredService<IDocumentStore>().Storage.Database.CreateMigrationAsync();
        migration.Difference.ShouldBe(SchemaPatchDifference.None);

        foreach (var url in new[]
                 {
                     $"/api/positions/organizations/{loaded.Ids["dod"]}/topics/{loaded.Ids["libya"]}",
                     "/api/search/statements?q=military%20options",
                 })
        {
            var before = await Host.Scenario(s => { s.WithBearerToken(Reader); s.Get.Url(url); });
            var after = await target.Scenario(s => { s.WithBearerToken(Reader); s.Get.Url(url); });
            (await after.ReadAsTextAsync()).ShouldBe(await before.ReadAsTextAsync(), url);
        }

        File.Delete(export);
    }

    [Fact]
    public async Task An_offline_rebuild_that_fails_half_way_says_so_and_leaves_every_index_as_Marten_defines_it()
    {
        var topic = await Given.TopicAsync();
        var cook = await Given.SpeakerAsync("Peter Cook", await Given.OrganizationAsync());
        await Given.AssessedStatementAsync(cook, topic, "looking at military options", "2016-01-27", "considering-options");
        await Given.ProjectionsCaughtUpAsync();
        var export = await ExportAsync();

        var schema = $"t_import_{Guid.NewGuid():N}"[..24];
        await using var target = await AppFixture.StartAsOwnerAsync(schema);
        var summary = await target.Services.GetRequiredService<EventLogImporter>().ImportAsync(export, "auditor-alice", null, CancellationToken.None);
        var indexesBefore = await IndexDefinitionsAsync(schema);
        var setAsideBefore = await IndexOidsAsync(schema, SetAside);
        // An event the replay cannot read, written behind the service's back (its statement id is not a uuid).
        await QueryAsync(
            $$"""
            insert into {{schema}}.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id)
            select nextval('{{schema}}.mt_events_sequence'), gen_random_uuid(), e.stream_id, (select max(version) + 1 from {{schema}}.mt_events as o where o.stream_id = e.stream_id),
                   '{"statementId": 12}', 'stance_assessed', now(), e.tenant_id
            from {{schema}}.mt_events as e where e.type = 'statement_recorded' order by e.seq_id limit 1
            returning seq_id
            """);

        var rebuilds = target.Services.GetRequiredService<ProjectionRebuilds>();
        var daemon = await target.Services.GetRequiredService<ProjectionPlacement>().LocalDaemonAsync();
        const string history = global::ClaimsLedger.Statements.Configuration.HistoryProjection + ":All";
        await daemon.StopAgentAsync(history);
        var results = await rebuilds.RunOfflineAsync([global::ClaimsLedger.Statements.Configuration.HistoryProjection, "StatementDetails"], summary.LastSequence + 1,
            _ => Task.FromResult(daemon));

        results.ShouldAllBe(result => result.Error != null && !result.Running);
        (await IndexDefinitionsAsync(schema)).ShouldBe(indexesBefore);
        (await IndexOidsAsync(schema, SetAside)).ShouldAllBe(oid => !setAsideBefore.Contains(oid), "set aside, so dropped and created again");
        File.Delete(export);
    }

    [Fact]
    public async Task Imported_events_keep_their_sequence_and_recorded_time_and_say_who_imported_them_from_which_file()
    {
        var cook = await Given.SpeakerAsync("Peter Cook", await Given.OrganizationAsync());
        await Given.ProjectionsCaughtUpAsync();
        var export = await ExportAsync();

        await using var target = await AppFixture.StartAsync($"t_import_{Guid.NewGuid():N}"[..24]);
        var importer = target.Services.GetRequiredService<EventLogImporter>();
        var summary = await importer.ImportAsync(export, "auditor-alice", null, CancellationToken.None);

        await using var source = Store.QuerySession();
        await using var copy = target.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var originalEvents = await source.Events.FetchStreamAsync(cook);
        var importedEvents = await copy.Events.FetchStreamAsync(cook);
        importedEvents.Select(e => (e.Sequence, e.Version, e.Timestamp, e.EventTypeName, e.UserName))
            .ShouldBe(originalEvents.Select(e => (e.Sequence, e.Version, e.Timestamp, e.EventTypeName, e.UserName)));
        var marker = (System.Text.Json.JsonElement)importedEvents[0].Headers!["import"];
        marker.GetProperty("by").GetString().ShouldBe("auditor-alice");
        marker.GetProperty("fileSha256").GetString().ShouldBe(summary.FileSha256);

        await Should.ThrowAsync<InvalidOperationException>(() => importer.ImportAsync(export, "again", null, CancellationToken.None));
        File.Delete(export);
    }

    [Fact]
    public async Task An_import_run_as_the_owner_ends_with_the_events_keyed_to_their_streams_and_hashes_the_file_as_sha256sum_does()
    {
        var cook = await Given.SpeakerAsync("Peter Cook", await Given.OrganizationAsync());
        await Given.ProjectionsCaughtUpAsync();
        var export = await ExportAsync();

        var schema = $"t_import_{Guid.NewGuid():N}"[..24];
        await using var target = await AppFixture.StartAsOwnerAsync(schema);
        var summary = await target.Services.GetRequiredService<EventLogImporter>().ImportAsync(export, "auditor-alice", null, CancellationToken.None);

        summary.FileSha256.ShouldBe(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(export))));
        await using var connection = new Npgsql.NpgsqlConnection(AppFixture.ConnectionString);
        await connection.OpenAsync();
        await using var keys = new Npgsql.NpgsqlCommand(
            "select pg_get_constraintdef(oid) from pg_constraint where conrelid = @events::regclass and contype = 'f'", connection);
        keys.Parameters.AddWithValue("events", $"{schema}.mt_events");
        // The import took the key off for its COPY; it is back, as Marten defined it.
        ((string?)await keys.ExecuteScalarAsync()).ShouldBe($"FOREIGN KEY (stream_id) REFERENCES {schema}.mt_streams(id) ON DELETE CASCADE");
        await using var copy = target.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var imported = await copy.Events.FetchStreamAsync(cook);
        imported.ShouldNotBeEmpty();
        imported[0].Headers!.ShouldContainKey("user-roles");
        ((System.Text.Json.JsonElement)imported[0].Headers!["import"]).GetProperty("by").GetString().ShouldBe("auditor-alice");
        File.Delete(export);
    }

    [Fact]
    public async Task A_file_out_of_sequence_order_is_refused_whole_and_leaves_the_store_empty_and_keyed()
    {
        await Given.SpeakerAsync("Peter Cook", await Given.OrganizationAsync());
        await Given.ProjectionsCaughtUpAsync();
        var export = await ExportAsync();
        var lines = await File.ReadAllLinesAsync(export);
        // The last event twice: its sequence does not follow itself.
        await File.WriteAllLinesAsync(export, [.. lines, lines[^1]]);

        foreach (var asOwner in new[] { true, false })
        {
            var schema = $"t_import_{Guid.NewGuid():N}"[..24];
            await using var target = asOwner ? await AppFixture.StartAsOwnerAsync(schema) : await AppFixture.StartAsync(schema);
            var refused = await Should.ThrowAsync<InvalidDataException>(() =>
                target.Services.GetRequiredService<EventLogImporter>().ImportAsync(export, "auditor-alice", null, CancellationToken.None));
            refused.Message.ShouldContain($"Line {lines.Length + 1}");

            await using var connection = new Npgsql.NpgsqlConnection(AppFixture.ConnectionString);
            await connection.OpenAsync();
            await using var state = new Npgsql.NpgsqlCommand(
                $"select (select count(*) from {schema}.mt_events) + (select count(*) from {schema}.mt_streams), (select count(*) from pg_constraint where conrelid = '{schema}.mt_events'::regclass and contype = 'f')",
                connection);
            await using var reader = await state.ExecuteReaderAsync();
            await reader.ReadAsync();
            (reader.GetInt64(0), reader.GetInt64(1)).ShouldBe((0L, 1L), asOwner ? "imported as the owner" : "imported as the runtime role");
        }

        File.Delete(export);
    }

    [Fact]
    public async Task An_import_run_as_the_owner_leaves_the_event_tables_indexes_and_keys_as_Marten_defines_them()
    {
        await Given.SpeakerAsync("Peter Cook", await Given.OrganizationAsync());
        await Given.ProjectionsCaughtUpAsync();
        var export = await ExportAsync();

        var schema = $"t_import_{Guid.NewGuid():N}"[..24];
        await using var target = await AppFixture.StartAsOwnerAsync(schema);
        var before = await EventTableDefinitionsAsync(schema);
        await target.Services.GetRequiredService<EventLogImporter>().ImportAsync(export, "auditor-alice", null, CancellationToken.None);

        // The import built them again from the loaded rows, under their own names and definitions.
        (await EventTableDefinitionsAsync(schema)).ShouldBe(before);
        before.ShouldContain(definition => definition.StartsWith("pk_mt_events_stream_and_version CREATE UNIQUE INDEX", StringComparison.Ordinal));
        var migration = await target.Services.GetRequiredService<IDocumentStore>().Storage.Database.CreateMigrationAsync();
        var eventTables = migration.Deltas.Where(delta => delta.SchemaObject.Identifier.Name is "mt_events" or "mt_streams").ToList();
        eventTables.Count.ShouldBe(2);
        eventTables.ShouldAllBe(delta => delta.Difference == SchemaPatchDifference.None);
        File.Delete(export);
    }

    [Fact]
    public async Task An_import_that_fails_half_way_leaves_the_store_empty_with_its_indexes_and_keys()
    {
        for (var i = 0; i < 3; i++)
        {
            await Given.SpeakerAsync($"Speaker {i}", await Given.OrganizationAsync($"Organization {i}"));
        }

        await Given.ProjectionsCaughtUpAsync();
        var export = await ExportAsync();
        var lines = await File.ReadAllLinesAsync(export);
        var middle = lines.Length / 2;
        // Refused by the import itself (not an event), and by PostgreSQL alone (a payload that is not UTF-8, which the
        // import hands over as the file's bytes).
        var notJson = lines.Select((line, i) => i == middle ? line[..(line.Length / 2)] : line);
        var notUtf8 = lines.Select((line, i) => i == middle ? line.Replace("\"data\":{", "\"data\":{\"x\":\"NOT-UTF-8\",", StringComparison.Ordinal) : line);

        foreach (var (name, content) in new[] { ("not JSON", Bytes(notJson)), ("not UTF-8", Bytes(notUtf8, notUtf8: "NOT-UTF-8")) })
        {
            await File.WriteAllBytesAsync(export, content);
            foreach (var asOwner in new[] { true, false })
            {
                var schema = $"t_import_{Guid.NewGuid():N}"[..24];
                await using var target = asOwner ? await AppFixture.StartAsOwnerAsync(schema) : await AppFixture.StartAsync(schema);
                var before = await EventTableDefinitionsAsync(schema);
                var refused = await Should.ThrowAsync<Exception>(() =>
                    target.Services.GetRequiredService<EventLogImporter>().ImportAsync(export, "auditor-alice", null, CancellationToken.None));

                var imported = asOwner ? "imported as the owner" : "imported as the runtime role";
                if (name == "not JSON")
                {
                    refused.ShouldBeOfType<InvalidDataException>().Message.ShouldStartWith($"Line {middle + 1} is not an exported event: ", Case.Sensitive, imported);
                }
                else
                {
                    refused.ShouldBeOfType<PostgresException>().SqlState.ShouldBe(PostgresErrorCodes.CharacterNotInRepertoire, imported);
                }

                (await CountEventsAndStreamsAsync(schema)).ShouldBe(0, $"{name}, {imported}");
                (await EventTableDefinitionsAsync(schema)).ShouldBe(before, $"{name}, {imported}");
            }
        }

        File.Delete(export);
    }

    [Fact]
    public async Task A_file_repeating_a_streams_version_is_refused_by_PostgreSQL_as_a_row_by_row_copy_refuses_it()
    {
        var cook = await Given.SpeakerAsync("Peter Cook", await Given.OrganizationAsync());
        await Given.ProjectionsCaughtUpAsync();
        var export = await ExportAsync();
        var lines = await File.ReadAllLinesAsync(export);
        // The last event again, as the next sequence number: its stream and version are taken.
        var last = System.Text.Json.Nodes.JsonNode.Parse(lines[^1])!.AsObject();
        last["sequence"] = last["sequence"]!.GetValue<long>() + 1;
        last["id"] = Guid.NewGuid();
        await File.WriteAllLinesAsync(export, [.. lines, last.ToJsonString()]);

        var schema = $"t_import_{Guid.NewGuid():N}"[..24];
        await using var target = await AppFixture.StartAsOwnerAsync(schema);
        var before = await EventTableDefinitionsAsync(schema);
        var refused = await Should.ThrowAsync<PostgresException>(() =>
            target.Services.GetRequiredService<EventLogImporter>().ImportAsync(export, "auditor-alice", null, CancellationToken.None));

        // The import took the index off for its COPY; it puts it back before such an event, so PostgreSQL says what it
        // said when the index stayed.
        refused.SqlState.ShouldBe(PostgresErrorCodes.UniqueViolation);
        refused.ConstraintName.ShouldBe("pk_mt_events_stream_and_version");
        refused.MessageText.ShouldBe("duplicate key value violates unique constraint \"pk_mt_events_stream_and_version\"");
        (await CountEventsAndStreamsAsync(schema)).ShouldBe(0);
        (await EventTableDefinitionsAsync(schema)).ShouldBe(before);
        cook.ShouldNotBe(Guid.Empty);
        File.Delete(export);
    }

    [Fact]
    public async Task Lines_written_otherwise_than_the_export_writes_them_import_as_the_same_events()
    {
        for (var i = 0; i < 4; i++)
        {
            await Given.SpeakerAsync($"Speaker {i}", await Given.OrganizationAsync($"Organization {i}"));
        }

        await Given.ProjectionsCaughtUpAsync();
        var export = await ExportAsync();
        var lines = await File.ReadAllLinesAsync(export);
        lines.Length.ShouldBeGreaterThanOrEqualTo(7, "one line for each way of writing it");

        // The same events in JSON the export does not write: the import reads the export's own lines without the serializer,
        // and hands every other line to it, so both ways must give the same rows.
        var rewritten = lines.Select((line, i) =>
        {
            var json = System.Text.Json.Nodes.JsonNode.Parse(line)!.AsObject();
            switch (i % 7)
            {
                case 0:
                    return new System.Text.Json.Nodes.JsonObject(json.Reverse().Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone()))).ToJsonString();
                case 1:
                    return line.Replace("\"sequence\":", "\"Sequence\":", StringComparison.Ordinal);
                case 2:
                    json["sequence"] = json["sequence"]!.GetValue<long>().ToString(System.Globalization.CultureInfo.InvariantCulture);
                    return json.ToJsonString();
                case 3:
                    json["extra"] = true;
                    return json.ToJsonString();
                case 4:
                    // The type with its first letter escaped.
                    var type = json["type"]!.GetValue<string>();
                    return line.Replace($"\"type\":\"{type}\"", $"\"type\":\"\\u{(int)type[0]:x4}{type[1..]}\"", StringComparison.Ordinal);
                case 5:
                    // An earlier import's header, which the import replaces.
                    var headers = json["headers"] as System.Text.Json.Nodes.JsonObject ?? [];
                    headers["import"] = new System.Text.Json.Nodes.JsonObject { ["by"] = "an earlier import" };
                    json["headers"] = headers.DeepClone();
                    return json.ToJsonString();
                default:
                    return " " + line.Replace("\":", "\": ", StringComparison.Ordinal) + " ";
            }
        });
        var other = Path.GetTempFileName();
        await File.WriteAllTextAsync(other, "\uFEFF" + string.Join("\r\n", rewritten) + "\r\n\r\n");

        var rows = new List<IReadOnlyList<string>>();
        foreach (var file in new[] { export, other })
        {
            var schema = $"t_import_{Guid.NewGuid():N}"[..24];
            await using var target = await AppFixture.StartAsOwnerAsync(schema);
            (await target.Services.GetRequiredService<EventLogImporter>().ImportAsync(file, "auditor-alice", null, CancellationToken.None))
                .Events.ShouldBe(lines.Length);
            rows.Add(await EventRowsAsync(schema));
        }

        rows[1].ShouldBe(rows[0]);
        File.Delete(export);
        File.Delete(other);
    }

    [Fact]
    public async Task The_import_reads_every_line_the_export_writes_without_the_serializer_and_as_the_serializer_does()
    {
        await Given.SpeakerAsync("Peter Cook", await Given.OrganizationAsync());
        await Given.ProjectionsCaughtUpAsync();
        var export = await ExportAsync();

        foreach (var line in await File.ReadAllLinesAsync(export))
        {
            ReadsAsTheSerializerDoes(line);
        }

        File.Delete(export);
    }

    private static readonly System.Text.Json.JsonSerializerOptions ExportJson = new(System.Text.Json.JsonSerializerDefaults.Web);

    private static void ReadsAsTheSerializerDoes(string line)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(line);
        ExportedEvent.TryRead(bytes, out var read).ShouldBeTrue(line);
        var expected = System.Text.Json.JsonSerializer.Deserialize<ClaimsLedger.Auditing.LoggedEvent>(bytes, ExportJson)!;
        (read.Sequence, read.Id, read.StreamId, read.Version, read.RecordedAt).ShouldBe((expected.Sequence, expected.Id, expected.StreamId, expected.Version, expected.RecordedAt));
        (read.StreamType.AsString(null), read.Type.AsString(null), read.DotnetType.AsString(null), read.TenantId.AsString(null), read.User.AsString(null),
            read.CorrelationId.AsString(null), read.CausationId.AsString(null))
            .ShouldBe((expected.StreamType, expected.Type, expected.DotnetType, expected.TenantId, expected.User, expected.CorrelationId, expected.CausationId));
        System.Text.Encoding.UTF8.GetString(read.Data).ShouldBe(expected.Data.GetRawText());
        System.Text.Encoding.UTF8.GetString(read.Headers).ShouldBe(expected.Headers?.GetRawText() ?? "");
        read.HeadersHaveProperties.ShouldBe(expected.Headers?.EnumerateObject().Any() ?? false);
    }

    /// <summary>The lines as a file's bytes, with <paramref name="notUtf8"/> replaced by a byte that no UTF-8 text has.</summary>
    private static byte[] Bytes(IEnumerable<string> lines, string? notUtf8 = null)
    {
        var text = string.Join('\n', lines) + "\n";
        return notUtf8 is null
            ? System.Text.Encoding.UTF8.GetBytes(text)
            : [.. text.Split(notUtf8).SelectMany((part, i) => i == 0 ? System.Text.Encoding.UTF8.GetBytes(part) : [0xFF, .. System.Text.Encoding.UTF8.GetBytes(part)])];
    }

    /// <summary>Every index and constraint of the event tables, by name, with PostgreSQL's definition of it.</summary>
    private static async Task<IReadOnlyList<string>> EventTableDefinitionsAsync(string schema) =>
        await QueryAsync(
            $"""
            select x.relname || ' ' || pg_get_indexdef(x.oid) from pg_index i join pg_class x on x.oid = i.indexrelid
            where i.indrelid in ('{schema}.mt_events'::regclass, '{schema}.mt_streams'::regclass)
            union all
            select conname || ' ' || pg_get_constraintdef(oid) from pg_constraint
            where conrelid in ('{schema}.mt_events'::regclass, '{schema}.mt_streams'::regclass)
            order by 1
            """);

    /// <summary>Indexes an offline rebuild sets aside: a timeline's current entries, and the search vectors' GIN index.</summary>
    private static readonly string[] SetAside = [global::ClaimsLedger.Positions.Configuration.CurrentEntriesIndexName, global::ClaimsLedger.Search.Configuration.SearchIndexName];

    private static async Task<IReadOnlyList<string>> IndexOidsAsync(string schema, string[] names) =>
        await QueryAsync($"select oid from pg_class where relnamespace = '{schema}'::regnamespace and relname in ('{string.Join("', '", names)}') order by relname");

    /// <summary>Every index in <paramref name="schema"/>: its name and PostgreSQL's own definition of it.</summary>
    private static async Task<IReadOnlyList<string>> IndexDefinitionsAsync(string schema) =>
        await QueryAsync($"select indexname || ' ' || indexdef from pg_indexes where schemaname = '{schema}' order by indexname");

    private static async Task<long> CountEventsAndStreamsAsync(string schema) =>
        long.Parse((await QueryAsync($"select (select count(*) from {schema}.mt_events) + (select count(*) from {schema}.mt_streams)"))[0],
            System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Every column of every event and stream, but the import's time and the file's hash, in sequence order.</summary>
    private static async Task<IReadOnlyList<string>> EventRowsAsync(string schema) =>
        [
            .. await QueryAsync(
                $"""
                select concat_ws(' | ', seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, correlation_id,
                                 causation_id, headers - 'import', headers -> 'import' ->> 'by', user_name, is_archived)
                from {schema}.mt_events order by seq_id
                """),
            .. await QueryAsync(
                $"select concat_ws(' | ', id, type, version, timestamp, created, tenant_id, is_archived) from {schema}.mt_streams order by id"),
        ];

    private static async Task<IReadOnlyList<string>> QueryAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(AppFixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetValue(0).ToString()!);
        }

        return rows;
    }

    /// <summary>The example data loaded through the API, its views caught up, and the whole log exported.</summary>
    private async Task<(SampleLoadResult Loaded, string Export)> ExampleDataExportedAsync()
    {
        var set = await SampleLoader.ReadAsync(RepositoryFiles.Path("samples", "libya-2016.json"), CancellationToken.None);
        var loaded = await new SampleLoader(Host.Server.CreateClient(), role => Fixture.TokenFor(role), "libya-2016").LoadAsync(set, CancellationToken.None);
        await Given.ProjectionsCaughtUpAsync();
        return (loaded, await ExportAsync());
    }

    /// <summary>The whole log, as an auditor downloads it, in a temporary file.</summary>
    private async Task<string> ExportAsync()
    {
        var result = await Host.Scenario(s =>
        {
            s.WithBearerToken(Auditor);
            s.Get.Url("/api/events/export");
            s.StatusCodeShouldBeOk();
        });
        var export = Path.GetTempFileName();
        await File.WriteAllTextAsync(export, await result.ReadAsTextAsync());
        return export;
    }
}
