using Alba;
using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using ClaimsLedger.Projections;
using ClaimsLedger.Search;
using ClaimsLedger.Search.SearchingStatements;
using ClaimsLedger.Speakers;
using ClaimsLedger.Speakers.Registering;
using ClaimsLedger.Statements;
using ClaimsLedger.Statements.AddingSources;
using ClaimsLedger.Statements.AssessingStances;
using ClaimsLedger.Statements.CorrectingAttribution;
using ClaimsLedger.Statements.CorrectingQuotes;
using ClaimsLedger.Statements.GettingDetails;
using ClaimsLedger.Statements.Recording;
using ClaimsLedger.Statements.Retracting;
using ClaimsLedger.Statements.Withdrawing;
using ClaimsLedger.Tests.Support;
using JasperFx.Events.Daemon;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;

namespace ClaimsLedger.Tests.Search;

/// <summary>
/// The stored search vectors stay what PostgreSQL computes from each StatementDetails document, whichever
/// path writes the document: appends, corrections, rebuilds offline and while serving, and setup.
/// </summary>
public sealed class SearchVectorTests(SearchFixture fixture) : SearchContext(fixture)
{
    [Fact]
    public async Task The_stored_vector_weighs_the_quote_then_the_speaker_then_the_outlets()
    {
        var (quoted, named, reporting, credited) = (Word(), Word(), Word(), Word());
        var speaker = await Given.SpeakerAsync($"Peter {named}", await Given.OrganizationAsync());
        var id = await RecordAsync(speaker, $"the {quoted} is real", reporting, credited);

        var vector = await StoredVectorAsync(Store, id);

        vector.ShouldNotBeNull();
        // PostgreSQL's text form of a tsvector: 'lexeme':position followed by its weight (A, B or C here).
        vector.ShouldMatch($"'{quoted}':[0-9]+A");
        vector.ShouldMatch($"'{named}':[0-9]+B");
        vector.ShouldMatch($"'{reporting}':[0-9]+C");
        vector.ShouldMatch($"'{credited}':[0-9]+C");
    }

    [Fact]
    public async Task Every_change_to_a_statement_is_searched_at_once_and_its_vector_stays_the_one_computed_from_the_document_until_it_is_withdrawn()
    {
        var (first, second, heard, said, outlet) = (Word(), Word(), Word(), Word(), Word());
        var topic = await Given.TopicAsync();
        var before = await Given.SpeakerAsync($"Peter {first}", await Given.OrganizationAsync());
        var after = await Given.SpeakerAsync($"Peter {second}", await Given.OrganizationAsync());
        var id = await RecordAsync(before, $"{heard} in Libya", "i-HLS");

        var version = (await Given.ChangeAsync($"/api/statements/{id}/quote-corrections", new CorrectQuote($"{said} in Libya", null, "Transcript", 1), Roles.Editor)).Version;
        version = (await Given.ChangeAsync($"/api/statements/{id}/attribution-corrections", new CorrectAttribution(after, null, "Misattributed", version), Roles.Editor)).Version;
        version = (await Given.ChangeAsync($"/api/statements/{id}/sources", new AddSource(new SourceInput(outlet), version), Roles.Recorder)).Version;
        version = (await Given.AssessAsync(id, topic, "assessing", version)).Version;
        await Given.ChangeAsync($"/api/statements/{id}/retraction", new RetractStatement("2016-02-01", null, null, version), Roles.Editor);
        var withdrawn = await RecordAsync(before, $"{said} in error", "i-HLS");
        await Given.ChangeAsync($"/api/statements/{withdrawn}/withdrawal", new WithdrawStatement("Wrong speaker", 1), Roles.Editor);

        (await SearchAsync(heard)).Items.ShouldBeEmpty();
        (await SearchAsync(first)).Items.ShouldBeEmpty();
        (await SearchAsync(said)).Items.ShouldHaveSingleItem().Id.ShouldBe(id);
        (await StoredVectorAsync(Store, withdrawn)).ShouldBeNull();
        (await SearchAsync(second)).Items.ShouldHaveSingleItem().Id.ShouldBe(id);
        (await SearchAsync(outlet)).Items.ShouldHaveSingleItem().Id.ShouldBe(id);
        await VectorsShouldBeComputedFromTheDocumentsAsync(Store);
    }

    [Fact]
    public async Task Rebuilding_statement_details_offline_or_while_serving_answers_every_search_as_before()
    {
        var (word, other) = (Word(), Word());
        var cook = await Given.SpeakerAsync("Peter Cook", await Given.OrganizationAsync());
        var carter = await Given.SpeakerAsync($"Ashton {other}", await Given.OrganizationAsync());
        for (var i = 0; i < 12; i++)
        {
            await RecordAsync(i % 3 == 0 ? carter : cook, $"{word} option {i} " + string.Join(' ', Enumerable.Repeat(other, i % 4)), $"outlet {i % 2}");
        }

        var withdrawn = await RecordAsync(cook, $"{word} recorded in error", "i-HLS");
        await Given.ChangeAsync($"/api/statements/{withdrawn}/withdrawal", new WithdrawStatement("Wrong speaker", 1), Roles.Editor);
        var searches = new[]
        {
            $"q={word}&limit=5", $"q={Uri.EscapeDataString($"{word} or {other}")}", $"q={Uri.EscapeDataString($"\"{word} option\"")}",
            $"q={word}&speakerId={carter}", $"q={word}&outlet=outlet%201", $"q={Uri.EscapeDataString($"{word} -{other}")}",
        };
        var live = await AnswersAsync(searches);

        var rebuilds = Host.Services.GetRequiredService<ProjectionRebuilds>();
        var daemon = await Host.Services.GetRequiredService<ProjectionPlacement>().LocalDaemonAsync();
        foreach (var whileServing in new[] { false, true })
        {
            var rebuilt = await rebuilds.RunAsync(new RebuildState("StatementDetails", DateTimeOffset.UtcNow, 0, null, null, null, null),
                _ => Task.FromResult<IProjectionDaemon>(daemon), whileServing);
            rebuilt.Error.ShouldBeNull();

            (await AnswersAsync(searches)).ShouldBe(live, $"whileServing: {whileServing}");
            await VectorsShouldBeComputedFromTheDocumentsAsync(Store);
        }
    }

    [Fact]
    public async Task Setup_writes_the_vector_of_a_document_that_has_none()
    {
        var schema = $"t_vectors_{Guid.NewGuid():N}"[..24];
        var word = Word();
        Guid id;
        await using (var host = await AppFixture.StartAsync(schema))
        {
            var speaker = await CreateAsync(host, "/api/speakers", new RegisterSpeaker("Peter Cook", SpeakerKind.Person));
            id = await CreateAsync(host, "/api/statements",
                new RecordStatement(speaker, null, $"the {word} is real", QuoteKind.Partial, "2016-01-27", [], new SourceInput("i-HLS")));
        }

        // As a database from before the vectors' table: the document is there, its vector is not.
        await ExecuteAsync($"delete from {schema}.{StatementSearchVectors.TableName} where id = @id", id);

        await using var restarted = await AppFixture.StartAsync(schema);
        var store = restarted.Services.GetRequiredService<IDocumentStore>();
        (await StoredVectorAsync(store, id)).ShouldNotBeNull();
        await VectorsShouldBeComputedFromTheDocumentsAsync(store);
        var found = await restarted.GetJsonAsync<Page<StatementHit>>(
            $"/api/search/statements?q={word}", Fixture.TokenFor(Roles.Reader));
        found.Items.ShouldHaveSingleItem().Id.ShouldBe(id);
    }

    private Task<Guid> RecordAsync(Guid speakerId, string quote, string outlet, string? reportedVia = null) =>
        Given.CreateAsync("/api/statements",
            new RecordStatement(speakerId, null, quote, QuoteKind.Partial, "2016-01-27", [], new SourceInput(outlet, ReportedVia: reportedVia)),
            Roles.Recorder);

    private async Task<Guid> CreateAsync(IAlbaHost host, string url, object body)
    {
        var result = await host.Scenario(s =>
        {
            s.WithBearerToken(Fixture.TokenFor(Roles.Recorder));
            s.Post.Json(body).ToUrl(url);
            s.StatusCodeShouldBe(201);
        });
        return (await result.ReadAsJsonAsync<Created>())!.Id;
    }

    /// <summary>Each search's whole answer as the client reads it: hits, ranks, snippets and cursor.</summary>
    private async Task<string[]> AnswersAsync(IEnumerable<string> searches)
    {
        var answers = new List<string>();
        foreach (var search in searches)
        {
            var result = await Host.Scenario(s =>
            {
                s.WithBearerToken(Reader);
                s.Get.Url($"/api/search/statements?{search}");
            });
            answers.Add(await result.ReadAsTextAsync());
        }

        return [.. answers];
    }

    private static async Task<string?> StoredVectorAsync(IDocumentStore store, Guid id)
    {
        var table = StatementSearchVectors.TableBeside(store.Options.Schema.For<StatementDetails>());
        await using var connection = new NpgsqlConnection(AppFixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select vector::text from {table} where id = @id", connection);
        command.Parameters.AddWithValue("id", id);
        return (string?)await command.ExecuteScalarAsync();
    }

    /// <summary>
    /// One stored vector per document not withdrawn, none for a withdrawn one, each equal to the expression
    /// over the document as it stands.
    /// </summary>
    private static async Task VectorsShouldBeComputedFromTheDocumentsAsync(IDocumentStore store)
    {
        var documents = store.Options.Schema.For<StatementDetails>();
        var vectors = StatementSearchVectors.TableBeside(documents);
        await using var connection = new NpgsqlConnection(AppFixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select (select count(*) from {documents} where data ->> 'status' <> 'withdrawn'), (select count(*) from {vectors}), " +
            $"(select count(*) from {documents} as document join {vectors} as stored on stored.id = document.id " +
            $"where document.data ->> 'status' <> 'withdrawn' and stored.vector = ({ClaimsLedger.Search.Configuration.SearchVector}))",
            connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var (searchable, stored, equal) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
        searchable.ShouldBeGreaterThan(0);
        stored.ShouldBe(searchable);
        equal.ShouldBe(searchable);
    }

    private static async Task ExecuteAsync(string sql, Guid id)
    {
        await using var connection = new NpgsqlConnection(AppFixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", id);
        await command.ExecuteNonQueryAsync();
    }
}
