using ClaimsLedger.Infrastructure;
using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClaimsLedger.Ingestion.GettingDetails;

public static class GetArticleEndpoint
{
    public static ProblemDetails Validate(string? asOf, string? knownAt) => TimeTravel.Read(asOf, knownAt, out _);

    /// <summary>
    /// One article under review: its exact text, hash and source, and every candidate with its offsets,
    /// suggested speaker, confidence and status. With <c>knownAt</c>, the review as it stood then; with
    /// <c>asOf</c>, 404 for an article not yet published at that moment.
    /// </summary>
    [WolverineGet("/api/articles/{id}"), RequiresRole(Roles.Reader)]
    [Tags("Ingestion")]
    [ProducesResponseType<ArticleReview>(StatusCodes.Status200OK, "application/json")]
    public static async Task<IResult> Get(Guid id, string? asOf, string? knownAt, IQuerySession session, CancellationToken cancellation)
    {
        TimeTravel.Read(asOf, knownAt, out var travel);
        var review = await travel.LoadAsync<ArticleReview>(session, id, cancellation);
        if (review is null)
        {
            return Results.Problem(Problems.NotFound("article", id));
        }

        if (review.PublishedAt is { } published && !travel.HasBeenStated(published))
        {
            return Results.Problem(Problems.NotYet("article", id, $"it was published {published}"));
        }

        return Results.Json(review);
    }
}
