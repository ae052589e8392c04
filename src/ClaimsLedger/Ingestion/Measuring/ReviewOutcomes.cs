using ClaimsLedger.Infrastructure.Auth;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClaimsLedger.Ingestion.Measuring;

/// <summary>How often reviewers changed one field of the suggestion when accepting.</summary>
/// <param name="Field">speaker, kind or statedAt.</param>
/// <param name="Count">Accepted candidates where the reviewer changed it.</param>
/// <param name="Rate">Count over all accepted candidates.</param>
public sealed record FieldOverrides(string Field, long Count, double Rate);

/// <summary>What review made of the extractor's suggestions.</summary>
/// <param name="Candidates">Every candidate extracted.</param>
/// <param name="Pending">Not yet reviewed.</param>
/// <param name="Accepted">Recorded as statements.</param>
/// <param name="Rejected">Judged nobody's statement (or not one to record).</param>
/// <param name="AcceptedAsSuggested">Accepted without changing the speaker, kind or stated time.</param>
/// <param name="OverrideRate">Share of accepted candidates with at least one field changed.</param>
/// <param name="RejectionRate">Share of reviewed candidates rejected.</param>
/// <param name="Fields">Per field, how often it was changed.</param>
public sealed record ReviewOutcomes(
    long Candidates,
    long Pending,
    long Accepted,
    long Rejected,
    long AcceptedAsSuggested,
    double OverrideRate,
    double RejectionRate,
    IReadOnlyList<FieldOverrides> Fields);

public static class ReviewOutcomesEndpoint
{
    private sealed record Row(string Status, string Fields, long Count);

    /// <summary>
    /// For auditors: how often reviewers accepted the extractor's suggestions as they were, changed
    /// them (per field), or rejected them. Counted from the review decisions recorded on every article.
    /// </summary>
    [WolverineGet("/api/review/outcomes"), RequiresRole(Roles.Auditor)]
    [Tags("Ingestion")]
    public static async Task<ReviewOutcomes> Get(IQuerySession session, CancellationToken cancellation)
    {
        var schema = session.DocumentStore.Options.Events.DatabaseSchemaName;
        var rows = await session.AdvancedSql.QueryAsync<Row>(
            "select jsonb_build_object('status', status, 'fields', fields, 'count', count(*)) from (" +
            "  select candidate ->> 'status' as status," +
            "         coalesce((select string_agg(change ->> 'field', ',' order by change ->> 'field') from jsonb_array_elements(candidate -> 'overrides') change), '') as fields" +
            $"  from {schema}.mt_doc_articlereview review cross join lateral jsonb_array_elements(review.data -> 'candidates') candidate" +
            ") decided group by status, fields",
            cancellation);

        long Count(Func<Row, bool> which) => rows.Where(which).Sum(row => row.Count);
        var accepted = Count(row => row.Status == "accepted");
        var rejected = Count(row => row.Status == "rejected");
        var asSuggested = Count(row => row.Status == "accepted" && row.Fields.Length == 0);
        var fields = rows.Where(row => row.Status == "accepted")
            .SelectMany(row => row.Fields.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(field => (Field: field, row.Count)))
            .GroupBy(entry => entry.Field)
            .Select(group => new FieldOverrides(group.Key, group.Sum(entry => entry.Count), Ratio(group.Sum(entry => entry.Count), accepted)))
            .OrderBy(field => field.Field, StringComparer.Ordinal)
            .ToList();
        return new ReviewOutcomes(Count(_ => true), Count(row => row.Status == "pending"), accepted, rejected, asSuggested,
            Ratio(accepted - asSuggested, accepted), Ratio(rejected, accepted + rejected), fields);
    }

    private static double Ratio(long part, long whole) => whole == 0 ? 0 : Math.Round((double)part / whole, 4);
}
