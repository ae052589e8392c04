using ClaimsLedger.Claims;
using ClaimsLedger.Ingestion;
using ClaimsLedger.Ingestion.GettingDetails;
using ClaimsLedger.Organizations;
using ClaimsLedger.Organizations.GettingDetails;
using ClaimsLedger.Positions.ReviewingShifts;
using ClaimsLedger.RatingScales;
using ClaimsLedger.RatingScales.GettingDetails;
using ClaimsLedger.Speakers;
using ClaimsLedger.Speakers.GettingDetails;
using ClaimsLedger.Statements;
using ClaimsLedger.Statements.GettingDetails;
using ClaimsLedger.Topics;
using ClaimsLedger.Topics.GettingDetails;
using Marten;
using Npgsql;

namespace ClaimsLedger.Projections;

/// <summary>
/// Rebuilds an inline view while the service writes to it. The daemon's rebuild would first delete
/// every document, and an append landing in that window would apply its event to a document that is
/// not there. Instead each stream's document is recomputed from its events and overwritten, a chunk of
/// streams at a time, with those streams' rows locked: an append to one of them waits for the chunk to
/// commit and then applies on top of the fresh document, so no update is lost and none is seen missing.
/// </summary>
public sealed class InlineViewRefresh(IDocumentStore store)
{
    private const int ChunkSize = 200;

    /// <summary>The inline views, each with the stream type it is folded from.</summary>
    private static readonly Dictionary<string, Func<InlineViewRefresh, Action<long>?, CancellationToken, Task<long>>> Views =
        new(StringComparer.OrdinalIgnoreCase)
        {
            ["OrganizationDetails"] = (refresh, progress, cancellation) => refresh.RefreshAsync<OrganizationDetails, Organization>(progress, cancellation),
            ["SpeakerDetails"] = (refresh, progress, cancellation) => refresh.RefreshAsync<SpeakerDetails, Speaker>(progress, cancellation),
            ["TopicDetails"] = (refresh, progress, cancellation) => refresh.RefreshAsync<TopicDetails, Topic>(progress, cancellation),
            ["StatementDetails"] = (refresh, progress, cancellation) => refresh.RefreshAsync<StatementDetails, Statement>(progress, cancellation),
            ["ArticleReview"] = (refresh, progress, cancellation) => refresh.RefreshAsync<ArticleReview, Article>(progress, cancellation),
            ["ArticleSummary"] = (refresh, progress, cancellation) => refresh.RefreshAsync<ArticleSummary, Article>(progress, cancellation),
            ["RatingScaleDetails"] = (refresh, progress, cancellation) => refresh.RefreshAsync<RatingScaleDetails, RatingScale>(progress, cancellation),
            ["ClaimHistory"] = (refresh, progress, cancellation) => refresh.RefreshAsync<ClaimHistory, Claim>(progress, cancellation),
            ["ShiftReviewDetails"] = (refresh, progress, cancellation) => refresh.RefreshAsync<ShiftReviewDetails, ShiftReview>(progress, cancellation),
        };

    public static bool Handles(string projection) => Views.ContainsKey(projection);

    /// <summary>Recomputes every document of the view; returns how many streams it read.</summary>
    public Task<long> RefreshAsync(string projection, Action<long>? progress, CancellationToken cancellation) =>
        Views[projection](this, progress, cancellation);

    private async Task<long> RefreshAsync<TView, TStream>(Action<long>? progress, CancellationToken cancellation)
        where TView : class
    {
        var schema = store.Options.Events.DatabaseSchemaName;
        // Marten's own alias for the stream's aggregate type ("rating_scale"), as stored in mt_streams.type.
        var streamType = ((Marten.Events.EventGraph)store.Options.Events).AggregateAliasFor(typeof(TStream));
        Guid after = Guid.Empty;
        long done = 0;
        while (true)
        {
            await using var session = store.LightweightSession();
            await session.BeginTransactionAsync(cancellation);
            // Lock the chunk's stream rows (appends update them) in a fixed order, so no deadlock.
            var ids = (await session.AdvancedSql.QueryAsync<Guid>(
                $"select id from {schema}.mt_streams where type = ? and id > ? order by id limit {ChunkSize} for update",
                cancellation, streamType, after)).ToList();
            if (ids.Count == 0)
            {
                return done;
            }

            foreach (var id in ids)
            {
                if (await session.Events.AggregateStreamAsync<TView>(id, token: cancellation) is { } view)
                {
                    session.Store(view);
                }
            }

            await session.SaveChangesAsync(cancellation);
            done += ids.Count;
            after = ids[^1];
            progress?.Invoke(done);
        }
    }
}
