using ClaimsLedger.Ingestion.GettingDetails;
using JasperFx.Events.Projections;
using Marten;

namespace ClaimsLedger.Ingestion;

public static class Configuration
{
    public static StoreOptions AddIngestion(this StoreOptions options)
    {
        // Inline: a reviewer sees their decision in the queue at once.
        options.Projections.Add<ArticleReviewProjection>(ProjectionLifecycle.Inline);
        options.Projections.Add<ArticleSummaryProjection>(ProjectionLifecycle.Inline);
        options.Schema.For<ArticleSummary>()
            .Duplicate(summary => summary.SubmittedAt)
            .Duplicate(summary => summary.Pending);
        return options;
    }
}
