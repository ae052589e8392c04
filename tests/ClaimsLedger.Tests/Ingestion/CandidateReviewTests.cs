using Alba;
using ClaimsLedger.Ingestion;
using ClaimsLedger.Ingestion.GettingDetails;
using ClaimsLedger.Ingestion.Measuring;
using ClaimsLedger.Ingestion.Reviewing;
using ClaimsLedger.Ingestion.Submitting;
using ClaimsLedger.Speakers;
using ClaimsLedger.Speakers.Registering;
using ClaimsLedger.Statements;
using ClaimsLedger.Tests.Support;
using Marten;
using Shouldly;

namespace ClaimsLedger.Tests.Ingestion;

public sealed class CandidateReviewTests(IngestionFixture fixture) : IngestionContext(fixture)
{
    private sealed record Setup(Guid ArticleId, ArticleReview Review, Guid SpeakerId, Guid OtherSpeakerId, Guid TopicId, string Surname);

    private async Task<Setup> SubmittedAsync()
    {
        var surname = ArticleApi.UniqueSurname();
        var organization = await Given.OrganizationAsync($"Ministry {surname}");
        var speakerId = await Given.SpeakerAsync($"Ilse {surname}", organization, "Foreign Minister", "2020");
        var otherId = await Given.CreateAsync("/api/speakers", new RegisterSpeaker($"Otto {surname}x", SpeakerKind.Person), "recorder");
        var topicId = await Given.TopicAsync($"Talks {surname}");
        var body = $"Talks stall\n\nForeign Minister Ilse {surname} said on Monday that the talks were “over for now.”\n\n" +
                   $"“We will not negotiate under fire,” {surname} told reporters. “Nobody should be surprised.”\n\n" +
                   $"An unnamed aide, {surname}'s deputy, said the ministry would “wait and see.”";
        var (submission, _) = await Host.SubmitAsync(Recorder, new SubmitArticle(body, null, "Example Wire", "Talks stall", "https://example.org/t", "2024-03-04"));
        return new Setup(submission.Id, await Host.ReviewAsync(Reader, submission.Id), speakerId, otherId, topicId, surname);
    }

    [Fact]
    public async Task Accepting_records_the_statement_through_the_normal_write_path_with_the_article_as_its_source()
    {
        var setup = await SubmittedAsync();
        var candidate = setup.Review.Candidate("We will not").Candidate;

        var accepted = await Host.AcceptAsync(Recorder, setup.ArticleId, candidate.Number, setup.Review.Version,
            new CandidateEdits(TopicIds: [setup.TopicId]));

        var statement = await Given.StatementDetailsAsync(accepted.StatementId);
        statement.Quote.ShouldBe(candidate.Quote);
        statement.Kind.ShouldBe(QuoteKind.Direct);
        statement.Attribution.SpeakerId.ShouldBe(setup.SpeakerId);
        statement.Attribution.RoleTitle.ShouldBe("Foreign Minister");
        statement.StatedAt.ToString().ShouldBe("2024-03-04");
        var source = statement.Sources.ShouldHaveSingleItem();
        source.Outlet.ShouldBe("Example Wire");
        source.Url.ShouldBe("https://example.org/t");
        source.ContentSha256.ShouldBe(setup.Review.ContentSha256);
        (source.QuoteStart, source.QuoteEnd).ShouldBe((candidate.Start, candidate.End));

        var review = await Host.ReviewAsync(Reader, setup.ArticleId);
        var decided = review.Candidate("We will not");
        decided.Status.ShouldBe(CandidateStatus.Accepted);
        decided.StatementId.ShouldBe(accepted.StatementId);
        decided.Overrides.ShouldBeEmpty();
        decided.DecidedBy.ShouldNotBeNullOrEmpty();
        review.Version.ShouldBe(setup.Review.Version + 1);
    }

    [Fact]
    public async Task Every_change_from_the_suggestion_is_recorded_with_the_decision()
    {
        var setup = await SubmittedAsync();
        var candidate = setup.Review.Candidate("over for now").Candidate;

        await Host.AcceptAsync(Recorder, setup.ArticleId, candidate.Number, setup.Review.Version,
            new CandidateEdits(SpeakerId: setup.OtherSpeakerId, Kind: QuoteKind.Direct, StatedAt: "2024-03-03"));

        var overrides = (await Host.ReviewAsync(Reader, setup.ArticleId)).Candidate("over for now").Overrides;
        overrides.Select(change => change.Field).ShouldBe(["speaker", "kind", "statedAt"]);
        overrides[0].ShouldBe(new ReviewOverride("speaker", setup.SpeakerId.ToString(), setup.OtherSpeakerId.ToString()));
        overrides[1].ShouldBe(new ReviewOverride("kind", "partial", "direct"));
        overrides[2].ShouldBe(new ReviewOverride("statedAt", "2024-03-04", "2024-03-03"));

        await using var session = Store.QuerySession();
        var decision = (await session.Events.FetchStreamAsync(setup.ArticleId))[^1];
        decision.Data.ShouldBeOfType<CandidateAccepted>().Overrides.Count.ShouldBe(3);
        decision.UserName.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task A_candidate_whose_speaker_is_not_registered_needs_one_chosen()
    {
        var setup = await SubmittedAsync();
        var aide = setup.Review.Candidate("wait and see").Candidate;
        aide.Speaker.SpeakerId.ShouldBeNull();

        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Recorder);
            s.Post.Json(new AcceptCandidate(setup.Review.Version)).ToUrl($"/api/articles/{setup.ArticleId}/candidates/{aide.Number}/accept");
        }, 422, "edits.speakerId");
    }

    [Fact]
    public async Task A_stance_reading_when_accepting_needs_an_editor_and_then_lands_on_the_timeline()
    {
        var setup = await SubmittedAsync();
        var candidate = setup.Review.Candidate("We will not").Candidate;
        var edits = new CandidateEdits(Stance: new StanceInput(setup.TopicId, "ruled-out", "Refuses talks under fire."));

        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Recorder);
            s.Post.Json(new AcceptCandidate(setup.Review.Version, edits)).ToUrl($"/api/articles/{setup.ArticleId}/candidates/{candidate.Number}/accept");
        }, 403, null);

        var accepted = await Host.AcceptAsync(Editor, setup.ArticleId, candidate.Number, setup.Review.Version, edits);

        var statement = await Given.StatementDetailsAsync(accepted.StatementId);
        statement.Stances.ShouldHaveSingleItem().Stance.ShouldBe("ruled-out");
        statement.TopicIds.ShouldBe([setup.TopicId]);
    }

    [Fact]
    public async Task A_stance_off_the_ladder_is_refused_and_nothing_is_recorded()
    {
        var setup = await SubmittedAsync();
        var candidate = setup.Review.Candidate("We will not").Candidate;

        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Editor);
            s.Post.Json(new AcceptCandidate(setup.Review.Version, new CandidateEdits(Stance: new StanceInput(setup.TopicId, "maybe"))))
                .ToUrl($"/api/articles/{setup.ArticleId}/candidates/{candidate.Number}/accept");
        }, 422, "edits.stance.stance");
    }

    [Fact]
    public async Task Rejecting_needs_a_reason_and_settles_the_candidate()
    {
        var setup = await SubmittedAsync();
        var candidate = setup.Review.Candidate("Nobody").Candidate;
        var url = $"/api/articles/{setup.ArticleId}/candidates/{candidate.Number}/reject";

        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Recorder);
            s.Post.Json(new RejectCandidate(setup.Review.Version, " ")).ToUrl(url);
        }, 400, "reason");

        var rejected = await Given.ChangeAsync(url, new RejectCandidate(setup.Review.Version, "The reporter's paraphrase."), "recorder");
        rejected.Changed.ShouldBeTrue();
        var again = await Given.ChangeAsync(url, new RejectCandidate(rejected.Version, "The reporter's paraphrase."), "recorder");
        again.Changed.ShouldBeFalse();

        var review = await Host.ReviewAsync(Reader, setup.ArticleId);
        review.Candidate("Nobody").Status.ShouldBe(CandidateStatus.Rejected);
        review.Candidate("Nobody").Reason.ShouldBe("The reporter's paraphrase.");
        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Recorder);
            s.Post.Json(new AcceptCandidate(review.Version)).ToUrl($"/api/articles/{setup.ArticleId}/candidates/{candidate.Number}/accept");
        }, 409, null);
    }

    [Fact]
    public async Task Accepting_twice_records_one_statement_and_a_stale_version_is_a_conflict()
    {
        var setup = await SubmittedAsync();
        var first = setup.Review.Candidate("We will not").Candidate;
        var second = setup.Review.Candidate("Nobody").Candidate;
        await Host.AcceptAsync(Recorder, setup.ArticleId, first.Number, setup.Review.Version);

        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Recorder);
            s.Post.Json(new AcceptCandidate(setup.Review.Version + 1)).ToUrl($"/api/articles/{setup.ArticleId}/candidates/{first.Number}/accept");
        }, 409, null);
        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Recorder);
            s.Post.Json(new AcceptCandidate(setup.Review.Version)).ToUrl($"/api/articles/{setup.ArticleId}/candidates/{second.Number}/accept");
        }, 409, null);
    }

    [Fact]
    public async Task Accepting_many_records_all_or_none()
    {
        var setup = await SubmittedAsync();
        var numbers = setup.Review.Candidates.Where(candidate => candidate.Candidate.Speaker.SpeakerId == setup.SpeakerId)
            .Select(candidate => candidate.Candidate.Number).ToList();
        numbers.Count.ShouldBe(3);
        var aide = setup.Review.Candidate("wait and see").Candidate.Number;
        var url = $"/api/articles/{setup.ArticleId}/candidates/accept";

        // One candidate cannot be accepted as it stands (no registered speaker): nothing is recorded.
        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Recorder);
            s.Post.Json(new AcceptCandidates(setup.Review.Version, [.. numbers.Select(number => new AcceptanceItem(number)), new AcceptanceItem(aide)])).ToUrl(url);
        }, 422, "candidates[3].edits.speakerId");

        var result = await Host.Scenario(s =>
        {
            s.WithBearerToken(Recorder);
            s.Post.Json(new AcceptCandidates(setup.Review.Version,
                [.. numbers.Select(number => new AcceptanceItem(number)), new AcceptanceItem(aide, new CandidateEdits(SpeakerId: setup.OtherSpeakerId))])).ToUrl(url);
        });
        var accepted = (await result.ReadAsJsonAsync<CandidatesAccepted>())!;
        accepted.Accepted.Count.ShouldBe(4);
        accepted.Version.ShouldBe(setup.Review.Version + 4);
        var review = await Host.ReviewAsync(Reader, setup.ArticleId);
        review.Pending.ShouldBe(0);
        review.Accepted.ShouldBe(4);
        foreach (var acceptance in accepted.Accepted)
        {
            (await Given.StatementDetailsAsync(acceptance.StatementId)).Sources.Single().ContentSha256.ShouldBe(review.ContentSha256);
        }
    }

    [Fact]
    public async Task Unknown_articles_and_candidates_are_not_found()
    {
        var setup = await SubmittedAsync();
        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Recorder);
            s.Post.Json(new AcceptCandidate(1)).ToUrl($"/api/articles/{Guid.NewGuid()}/candidates/1/accept");
        }, 404, null);
        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Recorder);
            s.Post.Json(new AcceptCandidate(setup.Review.Version)).ToUrl($"/api/articles/{setup.ArticleId}/candidates/999/accept");
        }, 404, null);
        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Reader);
            s.Get.Url($"/api/articles/{Guid.NewGuid()}");
        }, 404, null);
    }

    [Fact]
    public async Task The_review_as_known_at_a_moment_is_the_review_shown_then()
    {
        var setup = await SubmittedAsync();
        DateTimeOffset before;
        await using (var session = Store.QuerySession())
        {
            before = (await session.Events.FetchStreamAsync(setup.ArticleId))[^1].Timestamp;
        }

        await Host.AcceptAsync(Recorder, setup.ArticleId, setup.Review.Candidate("We will not").Candidate.Number, setup.Review.Version);

        var then = await Host.GetJsonAsync<ArticleReview>($"/api/articles/{setup.ArticleId}?knownAt={Uri.EscapeDataString(before.ToString("O"))}", Reader);
        then.Pending.ShouldBe(setup.Review.Pending);
        then.Candidates.ShouldAllBe(candidate => candidate.Status == CandidateStatus.Pending);
        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Reader);
            s.Get.Url($"/api/articles/{setup.ArticleId}?asOf=2024-03-01");
        }, 404, null);
    }

    [Fact]
    public async Task Auditors_can_measure_how_often_suggestions_were_overridden()
    {
        var setup = await SubmittedAsync();
        var before = await Host.GetJsonAsync<ReviewOutcomes>("/api/review/outcomes", Auditor);

        await Host.AcceptAsync(Recorder, setup.ArticleId, setup.Review.Candidate("We will not").Candidate.Number, setup.Review.Version);
        await Host.AcceptAsync(Recorder, setup.ArticleId, setup.Review.Candidate("over for now").Candidate.Number, setup.Review.Version + 1,
            new CandidateEdits(SpeakerId: setup.OtherSpeakerId));
        await Given.ChangeAsync($"/api/articles/{setup.ArticleId}/candidates/{setup.Review.Candidate("Nobody").Candidate.Number}/reject",
            new RejectCandidate(setup.Review.Version + 2, "Not a claim."), "recorder");

        var after = await Host.GetJsonAsync<ReviewOutcomes>("/api/review/outcomes", Auditor);
        after.Candidates.ShouldBe(before.Candidates);
        after.Accepted.ShouldBe(before.Accepted + 2);
        after.AcceptedAsSuggested.ShouldBe(before.AcceptedAsSuggested + 1);
        after.Rejected.ShouldBe(before.Rejected + 1);
        after.Pending.ShouldBe(before.Pending - 3);
        Overridden(after, "speaker").ShouldBe(Overridden(before, "speaker") + 1);
        after.OverrideRate.ShouldBe(Math.Round((double)(after.Accepted - after.AcceptedAsSuggested) / after.Accepted, 4));
        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Recorder);
            s.Get.Url("/api/review/outcomes");
        }, 403, null);
    }

    private static long Overridden(ReviewOutcomes outcomes, string field) =>
        outcomes.Fields.FirstOrDefault(entry => entry.Field == field)?.Count ?? 0;
}
