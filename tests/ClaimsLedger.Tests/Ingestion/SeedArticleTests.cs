using System.Text.Json;
using ClaimsLedger.Ingestion;
using ClaimsLedger.Ingestion.Extraction;
using ClaimsLedger.Ingestion.Reviewing;
using ClaimsLedger.Ingestion.Submitting;
using ClaimsLedger.Positions.GettingTimelines;
using ClaimsLedger.Samples;
using ClaimsLedger.Statements;
using ClaimsLedger.Tests.Support;
using Shouldly;

namespace ClaimsLedger.Tests.Ingestion;

/// <summary>A schema of its own: the registry holds the example data set's speakers exactly once.</summary>
public sealed class SeedArticleFixture : AppFixture;

/// <summary>
/// The seed article pasted through the API gives the statements a careful reader finds, attributed
/// to the registered speakers; accepting them builds the same Pentagon timeline as the example data
/// set loaded by hand.
/// </summary>
public sealed class SeedArticleTests(SeedArticleFixture fixture) : HostContext(fixture), IClassFixture<SeedArticleFixture>
{
    private static readonly string SampleFile = RepositoryFiles.Path("samples", "libya-2016.json");

    private static readonly JsonSerializerOptions CorpusJson = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private sealed record Expected(string Speaker, string Quote, string Kind, int CharStart, int CharEnd);

    private sealed record ExpectedFile(List<Expected> Statements);

    [Fact]
    public async Task The_seed_article_through_the_api_yields_the_pentagon_timeline_of_the_example_data()
    {
        var set = await SampleLoader.ReadAsync(SampleFile, CancellationToken.None);
        var registry = await new SampleLoader(Host.Server.CreateClient(), role => Fixture.TokenFor(role), "registry")
            .LoadAsync(set with { Statements = [], Claims = [] }, CancellationToken.None);
        var article = ArticleText.Parse(await File.ReadAllTextAsync(RepositoryFiles.Corpus("00-seed-libya.txt")));
        var source = set.Sources.Single();

        var (submission, _) = await Host.SubmitAsync(Recorder,
            new SubmitArticle(article.Body, null, source.Outlet, article.Title, source.Url, RetrievedAt: source.RetrievedAt));
        var review = await Host.ReviewAsync(Reader, submission.Id);

        // Attributed as in the corpus's hand-checked statements, to the speakers the registry holds.
        var expected = JsonSerializer.Deserialize<ExpectedFile>(await File.ReadAllTextAsync(RepositoryFiles.Corpus("00-seed-libya.expected.json")),
            CorpusJson)!;
        var speakerIds = new Dictionary<string, Guid>
        {
            ["Peter Cook"] = registry.Ids["cook"],
            ["Ashton Carter"] = registry.Ids["carter"],
            ["a senior U.S. military officer"] = registry.Ids["senior-officer"],
        };
        foreach (var statement in expected.Statements.Where(statement => speakerIds.ContainsKey(statement.Speaker)))
        {
            var candidate = review.Candidates.Select(reviewed => reviewed.Candidate)
                .SingleOrDefault(candidate => candidate.Start == statement.CharStart && candidate.End == statement.CharEnd);
            candidate.ShouldNotBeNull($"no candidate for “{statement.Quote}”");
            candidate.Speaker.SpeakerId.ShouldBe(speakerIds[statement.Speaker], $"“{statement.Quote}”");
            candidate.Kind.ToString().ToLowerInvariant().ShouldBe(statement.Kind, $"“{statement.Quote}”");
        }

        review.Candidates.ShouldNotContain(reviewed => reviewed.Candidate.Quote == "shaping operations");
        review.Candidates.ShouldNotContain(reviewed => reviewed.Candidate.Quote == "hubs");
        review.Candidate("Decisive Military Action").Candidate.Speaker.Name.ShouldBe(QuoteExtractor.UnattributedHeadline);
        review.ProposedTopicIds.ShouldBe([registry.Ids["libya"]]);

        // The reviewer accepts each statement of the example data set as the candidate at its offsets,
        // giving what the article cannot: when it was said, the topic, the stance, the relayed outlet.
        var version = review.Version;
        foreach (var statement in set.Statements)
        {
            var candidate = review.Candidates.Single(reviewed =>
                reviewed.Candidate.Start == statement.Source.QuoteStart && reviewed.Candidate.End == statement.Source.QuoteEnd).Candidate;
            candidate.Speaker.SpeakerId.ShouldBe(registry.Ids[statement.Speaker]);
            candidate.Kind.ShouldBe(statement.Kind);
            var edits = new CandidateEdits(
                StatedAt: statement.StatedAt,
                TopicIds: [.. (statement.Topics ?? []).Select(topic => registry.Ids[topic])],
                Stance: statement.Stance is { } stance ? new StanceInput(registry.Ids[stance.Topic], stance.Stance, stance.Rationale) : null,
                ReportedVia: statement.Source.ReportedVia);
            await Host.AcceptAsync(Editor, submission.Id, candidate.Number, version++, edits);
        }

        var headline = review.Candidate("Decisive Military Action").Candidate.Number;
        await Given.ChangeAsync($"/api/articles/{submission.Id}/candidates/{headline}/reject",
            new RejectCandidate(version, "Headline wording, credited to nobody."), "recorder");

        // The same data set loaded the usual way, beside it.
        var loaded = await new SampleLoader(Host.Server.CreateClient(), role => Fixture.TokenFor(role), "loaded").LoadAsync(set, CancellationToken.None);
        await Given.ProjectionsCaughtUpAsync();

        var ingested = await TimelineAsync(registry);
        var byHand = await TimelineAsync(loaded);
        ingested.Entries.Count.ShouldBe(set.Statements.Count(statement => statement.Stance is not null && statement.Speaker != "senior-officer"));
        Comparable(ingested).ShouldBe(Comparable(byHand));
        ingested.Current!.Stance.ShouldBe(byHand.Current!.Stance);
        ingested.Shifts.Select(shift => (shift.From.Key, shift.To.Key, shift.Rating)).ShouldBe(byHand.Shifts.Select(shift => (shift.From.Key, shift.To.Key, shift.Rating)));
    }

    private Task<PositionTimelineView> TimelineAsync(SampleLoadResult result) =>
        Host.GetJsonAsync<PositionTimelineView>($"/api/positions/organizations/{result.Ids["dod"]}/topics/{result.Ids["libya"]}", Reader);

    /// <summary>A timeline without what differs between two loads of the same data: ids and recording times.</summary>
    private static List<string> Comparable(PositionTimelineView timeline) =>
    [
        .. timeline.Entries.Select(entry => JsonSerializer.Serialize(new
        {
            StatedAt = entry.StatedAt.ToString(),
            entry.Quote,
            entry.Kind,
            entry.Attribution.SpeakerName,
            entry.Attribution.RoleTitle,
            entry.Attribution.OrganizationName,
            entry.Sources,
            entry.Stance,
            entry.Rationale,
            entry.Retracted,
        })),
    ];
}
