using System.Net.Http.Headers;
using System.Text;
using Alba;
using ClaimsLedger.Ingestion.Extraction;
using ClaimsLedger.Ingestion.GettingDetails;
using ClaimsLedger.Ingestion.Submitting;
using ClaimsLedger.Speakers;
using ClaimsLedger.Speakers.Registering;
using ClaimsLedger.Statements;
using ClaimsLedger.Tests.Support;
using Shouldly;

namespace ClaimsLedger.Tests.Ingestion;

public sealed class ArticleSubmissionTests(IngestionFixture fixture) : IngestionContext(fixture)
{
    private static string Body(string surname) =>
        $"Ministry weighs new talks\n\nForeign Minister Ilse {surname} said on Monday that the talks were “over for now.”\n\n" +
        $"“We will not negotiate under fire,” {surname} told reporters. “Nobody should be surprised.”\n\n" +
        "The proposal is a so-called “poison pill” for the region.";

    [Fact]
    public async Task A_submitted_article_is_stored_with_its_hash_and_its_quotes_wait_for_review_attributed()
    {
        var surname = ArticleApi.UniqueSurname();
        var speakerId = await Given.CreateAsync("/api/speakers", new RegisterSpeaker($"Ilse {surname}", SpeakerKind.Person, null, [surname]), "recorder");
        var body = Body(surname);

        var (submission, status) = await Host.SubmitAsync(Recorder,
            new SubmitArticle(body, null, "Example Wire", "Ministry weighs new talks", "https://example.org/talks", "2024-03-04"));

        status.ShouldBe(201);
        submission.ContentSha256.ShouldBe(ArticleReader.Sha256(body));
        var review = await Host.ReviewAsync(Reader, submission.Id);
        review.Text.ShouldBe(body);
        review.ContentSha256.ShouldBe(submission.ContentSha256);
        review.Candidates.Select(candidate => candidate.Candidate.Quote).ShouldBe(["over for now.", "We will not negotiate under fire,", "Nobody should be surprised."]);
        review.Candidates.ShouldAllBe(candidate => candidate.Status == CandidateStatus.Pending);
        foreach (var reviewed in review.Candidates)
        {
            var candidate = reviewed.Candidate;
            body[candidate.Start..candidate.End].ShouldBe(candidate.Quote);
            candidate.Speaker.Name.ShouldBe($"Ilse {surname}");
            candidate.Speaker.SpeakerId.ShouldBe(speakerId);
            candidate.StatedAt.ShouldNotBeNull().ToString().ShouldBe("2024-03-04");
            candidate.Confidence.ShouldBeInRange(0.0, 1.0);
            candidate.Verb.ShouldNotBeNullOrEmpty();
        }

        review.Candidate("over for now").Candidate.Kind.ShouldBe(QuoteKind.Partial);
        review.Candidate("We will not").Candidate.Kind.ShouldBe(QuoteKind.Direct);
        review.Candidate("We will not").Candidate.Speaker.AsWritten.ShouldBe(surname);
    }

    [Fact]
    public async Task A_speaker_nobody_registered_is_proposed_not_created()
    {
        var surname = ArticleApi.UniqueSurname();
        var speakersBefore = await SpeakerCountAsync();

        var (submission, _) = await Host.SubmitAsync(Recorder, new SubmitArticle(Body(surname), null, "Example Wire"));

        var candidate = (await Host.ReviewAsync(Reader, submission.Id)).Candidate("We will not").Candidate;
        candidate.Speaker.SpeakerId.ShouldBeNull();
        candidate.Speaker.Proposed.ShouldBeTrue();
        candidate.StatedAt.ShouldBeNull();
        (await SpeakerCountAsync()).ShouldBe(speakersBefore);
    }

    [Fact]
    public async Task The_same_text_submitted_twice_is_recognised_by_its_hash_and_adds_nothing()
    {
        var body = Body(ArticleApi.UniqueSurname());
        var (first, firstStatus) = await Host.SubmitAsync(Recorder, new SubmitArticle(body, null, "Example Wire"));
        var events = await EventCountAsync();

        var (second, secondStatus) = await Host.SubmitAsync(Recorder, new SubmitArticle(body, null, "Another Outlet", "Other title"));

        firstStatus.ShouldBe(201);
        secondStatus.ShouldBe(200);
        second.Duplicate.ShouldBeTrue();
        second.Id.ShouldBe(first.Id);
        second.Candidates.ShouldBe(first.Candidates);
        (await EventCountAsync()).ShouldBe(events);
    }

    [Fact]
    public async Task Html_is_reduced_to_its_text_by_a_parser_and_scripts_never_reach_it()
    {
        var surname = ArticleApi.UniqueSurname();
        var html = $$"""
            <!doctype html><html><head><title>Page title</title><script>var quote = "“Injected quote,” said Evil Person.";</script>
            <style>p { color: red }</style></head><body>
            <h1>Talks &amp; tensions</h1>
            <p>“We will not negotiate under fire,” said Ilse {{surname}}, a <b>spokeswoman</b> for the ministry.</p>
            <script>document.write("“Another injected quote,” he said.")</script>
            <p onclick="alert(1)">She added that the talks were &ldquo;over for now.&rdquo;</p></body></html>
            """;

        var (submission, _) = await Host.SubmitAsync(Recorder, new SubmitArticle(null, html, "Example Wire"));

        var review = await Host.ReviewAsync(Reader, submission.Id);
        review.Format.ShouldBe(ArticleFormat.Html);
        review.Title.ShouldBe("Talks & tensions");
        review.Text.ShouldNotContain("Injected", Case.Insensitive);
        review.Text.ShouldNotContain("<");
        review.Text.ShouldContain("“over for now.”");
        review.Candidates.Select(candidate => candidate.Candidate.Quote).ShouldBe(["We will not negotiate under fire,", "over for now."]);
        review.Candidates.ShouldAllBe(candidate => candidate.Candidate.Speaker.Name == $"Ilse {surname}");
        review.ContentSha256.ShouldBe(ArticleReader.Sha256(review.Text));
    }

    [Theory]
    [InlineData("No quotation marks at all. The minister left.")]
    [InlineData("An “unbalanced mark, a lone ‘ and a '' pair and a \" at the end.")]
    public async Task An_article_without_well_formed_quotations_gives_an_empty_candidate_list(string text)
    {
        var (submission, status) = await Host.SubmitAsync(Recorder, new SubmitArticle($"{text} {Guid.NewGuid()}.", null, "Example Wire", "Some title"));

        status.ShouldBe(201);
        var review = await Host.ReviewAsync(Reader, submission.Id);
        review.Candidates.Where(candidate => candidate.Candidate.Kind != QuoteKind.Indirect).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("", "text")]
    [InlineData("   \n\n  ", "text")]
    [InlineData("PK\u0003\u0004\u0000\u0000binary\u0000zip\u0001\u0002", "text")]
    public async Task Empty_or_binary_text_is_refused_with_a_problem_and_nothing_written(string text, string field)
    {
        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Recorder);
            s.Post.Json(new SubmitArticle(text, null, "Example Wire")).ToUrl("/api/articles");
        }, 400, field);
    }

    [Fact]
    public async Task A_request_that_is_not_utf8_is_refused_with_a_problem()
    {
        var latin1 = Encoding.Latin1.GetBytes("{\"text\":\"Caf\u00e9 \u201cquoted\u201d, she said.\",\"outlet\":\"Example\"}");
        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Recorder);
            s.Post.ByteArray(latin1).ToUrl("/api/articles");
            s.WithRequestHeader("Content-Type", "application/json");
        }, 400, null);
    }

    [Fact]
    public async Task A_50_megabyte_upload_is_refused_before_it_is_read()
    {
        var huge = new string('a', 50 * 1024 * 1024);
        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Recorder);
            s.Post.Json(new SubmitArticle(huge, null, "Example Wire")).ToUrl("/api/articles");
        }, 413, null);
    }

    [Fact]
    public async Task Text_over_the_article_limit_but_under_the_request_limit_is_refused_by_name()
    {
        var long3Mb = string.Concat(Enumerable.Repeat("The minister said nothing new today. ", 3 * 1024 * 1024 / 37 + 1));
        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Recorder);
            s.Post.Json(new SubmitArticle(long3Mb, null, "Example Wire")).ToUrl("/api/articles");
        }, 400, "text");
    }

    [Theory]
    [InlineData(true, true, "text")]
    [InlineData(false, false, "text")]
    public async Task Exactly_one_of_text_and_html_is_given(bool text, bool html, string field)
    {
        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Recorder);
            s.Post.Json(new SubmitArticle(text ? "Some text." : null, html ? "<p>Some html.</p>" : null, "Example Wire")).ToUrl("/api/articles");
        }, 400, field);
    }

    [Fact]
    public async Task Outlet_url_and_dates_are_checked()
    {
        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Recorder);
            s.Post.Json(new SubmitArticle("Text.", null, "")).ToUrl("/api/articles");
        }, 400, "outlet");
        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Recorder);
            s.Post.Json(new SubmitArticle("Text.", null, "Outlet", Url: "javascript:alert(1)")).ToUrl("/api/articles");
        }, 400, "url");
        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Recorder);
            s.Post.Json(new SubmitArticle("Text.", null, "Outlet", PublishedAt: "2999-01-01")).ToUrl("/api/articles");
        }, 400, "publishedAt");
    }

    [Fact]
    public async Task Html_without_any_text_is_refused()
    {
        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Recorder);
            s.Post.Json(new SubmitArticle(null, "<html><script>alert('only a script')</script></html>", "Outlet")).ToUrl("/api/articles");
        }, 400, "html");
    }

    [Fact]
    public async Task The_queue_lists_articles_with_candidates_left_to_review()
    {
        var (submission, _) = await Host.SubmitAsync(Recorder, new SubmitArticle(Body(ArticleApi.UniqueSurname()), null, "Example Wire"));

        var page = await Host.GetJsonAsync<ClaimsLedger.Infrastructure.Http.Page<ArticleSummary>>("/api/articles?status=pending&limit=100", Reader);

        var summary = page.Items.Single(item => item.Id == submission.Id);
        summary.Pending.ShouldBe(3);
        summary.Candidates.ShouldBe(3);
        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Reader);
            s.Get.Url("/api/articles?status=maybe");
        }, 400, "status");
    }

    private async Task<int> SpeakerCountAsync()
    {
        await using var session = Store.QuerySession();
        return await Marten.QueryableExtensions.CountAsync(session.Query<ClaimsLedger.Speakers.GettingDetails.SpeakerDetails>());
    }
}
