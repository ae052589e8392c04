using Alba;
using ClaimsLedger.Ingestion.GettingDetails;
using ClaimsLedger.Ingestion.Reviewing;
using ClaimsLedger.Ingestion.Submitting;
using ClaimsLedger.Tests.Support;
using Shouldly;

namespace ClaimsLedger.Tests.Ingestion;

/// <summary>Submitting and reviewing articles through the HTTP API, as users do.</summary>
public static class ArticleApi
{
    /// <summary>A surname no other test uses, so registry matches are this test's own.</summary>
    public static string UniqueSurname() =>
        "K" + string.Concat(Guid.NewGuid().ToString("N").Where(char.IsLetter).Take(7).Select(letter => (char)('a' + (letter - 'a') % 26)));

    public static async Task<(ArticleSubmission Submission, int Status)> SubmitAsync(this IAlbaHost host, string token, SubmitArticle article)
    {
        var result = await host.Scenario(s =>
        {
            s.WithBearerToken(token);
            s.Post.Json(article).ToUrl("/api/articles");
            s.IgnoreStatusCode();
        });
        var status = result.Context.Response.StatusCode;
        status.ShouldBeOneOf([200, 201], await result.ReadAsTextAsync());
        return ((await result.ReadAsJsonAsync<ArticleSubmission>())!, status);
    }

    public static Task<ArticleReview> ReviewAsync(this IAlbaHost host, string token, Guid id) =>
        host.GetJsonAsync<ArticleReview>($"/api/articles/{id}", token);

    public static async Task<CandidateAcceptance> AcceptAsync(this IAlbaHost host, string token, Guid id, int number, long version, CandidateEdits? edits = null)
    {
        var result = await host.Scenario(s =>
        {
            s.WithBearerToken(token);
            s.Post.Json(new AcceptCandidate(version, edits)).ToUrl($"/api/articles/{id}/candidates/{number}/accept");
            s.StatusCodeShouldBe(201);
        });
        return (await result.ReadAsJsonAsync<CandidateAcceptance>())!;
    }

    public static ReviewedCandidate Candidate(this ArticleReview review, string quoteStart) =>
        review.Candidates.Single(candidate => candidate.Candidate.Quote.StartsWith(quoteStart, StringComparison.Ordinal));
}
