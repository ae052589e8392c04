using Alba;
using ClaimsLedger.Claims.GettingHistory;
using ClaimsLedger.Claims.Opening;
using ClaimsLedger.Claims.Verdicts;
using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Statements;
using ClaimsLedger.Statements.LinkingClaims;
using ClaimsLedger.Tests.Support;

namespace ClaimsLedger.Tests.Claims;

/// <summary>Claims, verdicts and links through the API, as an editor would make them.</summary>
public static class ClaimScenarios
{
    public static Task<Guid> ClaimAsync(this Scenarios given, string text, Guid? scaleId = null, params Guid[] topicIds) =>
        given.CreateAsync("/api/claims", new OpenClaim(text, null, topicIds, scaleId), Roles.Editor);

    public static async Task<VerdictAccepted> VerdictAsync(this Scenarios given, Guid claimId, string rating, string publishedAt, long expectedVersion = 1) =>
        (await given.PostAsync<VerdictAccepted>($"/api/claims/{claimId}/verdicts",
            new IssueVerdict(rating, $"Rated {rating} on the record.", ["https://example.org/evidence"], "A. Checker", publishedAt,
                $"https://example.org/fact-checks/{claimId}", expectedVersion)))!;

    public static async Task<VerdictAccepted> RevisionAsync(this Scenarios given, Guid claimId, Guid verdictId, string rating, string publishedAt, long expectedVersion) =>
        (await given.PostAsync<VerdictAccepted>($"/api/claims/{claimId}/verdicts/{verdictId}/revisions",
            new ReviseVerdict(rating, $"Now rated {rating}.", null, "B. Checker", publishedAt, null, "New evidence came to light", expectedVersion)))!;

    public static Task LinkAsync(this Scenarios given, Guid statementId, Guid claimId, long expectedVersion, ClaimRelation relation = ClaimRelation.Supports) =>
        given.ChangeAsync($"/api/statements/{statementId}/claims", new LinkClaim(claimId, relation, null, expectedVersion), Roles.Editor);

    public static Task<ClaimHistoryView> ClaimHistoryAsync(this Scenarios given, Guid claimId, string query = "") =>
        given.GetAsync<ClaimHistoryView>($"/api/claims/{claimId}{query}");
}
