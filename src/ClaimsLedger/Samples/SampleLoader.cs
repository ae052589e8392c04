using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ClaimsLedger.Claims.GettingHistory;
using ClaimsLedger.Claims.Opening;
using ClaimsLedger.Claims.Verdicts;
using ClaimsLedger.Infrastructure;
using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using ClaimsLedger.Organizations.Registering;
using ClaimsLedger.Speakers.AssumingRoles;
using ClaimsLedger.Speakers.GettingDetails;
using ClaimsLedger.Speakers.Registering;
using ClaimsLedger.Statements;
using ClaimsLedger.Statements.AssessingStances;
using ClaimsLedger.Statements.GettingDetails;
using ClaimsLedger.Statements.LinkingClaims;
using ClaimsLedger.Statements.Recording;
using ClaimsLedger.Topics.Opening;

namespace ClaimsLedger.Samples;

/// <summary>What a load did: the id each sample ref got, and how many resources were new.</summary>
public sealed record SampleLoadResult(IReadOnlyDictionary<string, Guid> Ids, int Created, int Changed);

/// <summary>
/// Loads a sample set through the public HTTP API, as a recorder and an editor would: the same
/// validation, decisions and events as any user's writes. Every creation carries an
/// Idempotency-Key derived from the set and the ref, and every change first reads the current
/// state, so loading twice adds nothing.
/// </summary>
public sealed class SampleLoader(HttpClient client, Func<string, string> tokenFor, string setName, Action<string>? progress = null)
{
    public static readonly JsonSerializerOptions Json = CreateJson();

    private readonly Dictionary<string, Guid> _ids = [];
    private int _created;
    private int _changed;

    public static async Task<SampleSet> ReadAsync(string path, CancellationToken cancellation)
    {
        await using var file = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<SampleSet>(file, Json, cancellation)
               ?? throw new InvalidDataException($"{path} holds no sample set.");
    }

    public async Task<SampleLoadResult> LoadAsync(SampleSet set, CancellationToken cancellation)
    {
        foreach (var organization in set.Organizations)
        {
            await CreateAsync(organization.Ref, "/api/organizations", new RegisterOrganization(organization.Name, organization.Aliases), Roles.Recorder, cancellation);
        }

        Report($"organizations: {set.Organizations.Count}");
        foreach (var speaker in set.Speakers)
        {
            var id = await CreateAsync(speaker.Ref, "/api/speakers",
                new RegisterSpeaker(speaker.Name, speaker.Kind, speaker.Description, speaker.Aliases), Roles.Recorder, cancellation);
            foreach (var role in speaker.Roles ?? [])
            {
                var current = await GetAsync<SpeakerDetails>($"/api/speakers/{id}", cancellation);
                if (current.Roles.Any(held => held.Title == role.Title))
                {
                    continue;
                }

                Guid? organizationId = role.Organization is null ? null : IdOf(role.Organization);
                await ChangeAsync($"/api/speakers/{id}/roles", new AssumeRole(role.Title, organizationId, role.Since, role.Until, current.Version),
                    Roles.Recorder, cancellation);
            }
        }

        Report($"speakers: {set.Speakers.Count}");
        foreach (var topic in set.Topics)
        {
            await CreateAsync(topic.Ref, "/api/topics",
                new OpenTopic(topic.Title, topic.Description, [.. topic.Ladder.Select(rung => new StanceRungInput(rung.Key, rung.Label))]),
                Roles.Editor, cancellation);
        }

        Report($"topics: {set.Topics.Count}");
        var sources = set.Sources.ToDictionary(source => source.Ref);
        var loaded = 0;
        foreach (var statement in set.Statements)
        {
            var source = sources[statement.Source.Ref];
            var id = await CreateAsync(statement.Ref, "/api/statements",
                new RecordStatement(IdOf(statement.Speaker), null, statement.Quote, statement.Kind, statement.StatedAt,
                    [.. (statement.Topics ?? []).Select(IdOf)],
                    new SourceInput(source.Outlet, source.Url, source.PublishedAt, source.RetrievedAt, source.ContentSha256,
                        statement.Source.QuoteStart, statement.Source.QuoteEnd, statement.Source.ReportedVia)),
                Roles.Recorder, cancellation);

            if (statement.Stance is { } stance)
            {
                var current = await GetAsync<StatementDetails>($"/api/statements/{id}", cancellation);
                var topicId = IdOf(stance.Topic);
                if (current.Stances.All(reading => reading.TopicId != topicId || reading.Stance != stance.Stance))
                {
                    await ChangeAsync($"/api/statements/{id}/stances", new AssessStance(topicId, stance.Stance, stance.Rationale, current.Version),
                        Roles.Editor, cancellation);
                }
            }

            Report($"statements: {++loaded}/{set.Statements.Count}");
        }

        foreach (var claim in set.Claims ?? [])
        {
            await LoadClaimAsync(claim, cancellation);
        }

        if (set.Claims is { Count: > 0 })
        {
            Report($"claims: {set.Claims.Count}");
        }

        return new SampleLoadResult(_ids, _created, _changed);
    }

    /// <summary>Opens the claim, links its statements, and issues its verdicts in order, each after the first a revision; only what is missing.</summary>
    private async Task LoadClaimAsync(SampleClaim claim, CancellationToken cancellation)
    {
        var id = await CreateAsync(claim.Ref, "/api/claims", new OpenClaim(claim.Text, claim.Context, [.. (claim.Topics ?? []).Select(IdOf)], null),
            Roles.Editor, cancellation);
        foreach (var link in claim.Links ?? [])
        {
            var statementId = IdOf(link.Statement);
            var statement = await GetAsync<StatementDetails>($"/api/statements/{statementId}", cancellation);
            if (statement.Claims.All(existing => existing.ClaimId != id || existing.Relation != link.Relation))
            {
                await ChangeAsync($"/api/statements/{statementId}/claims", new LinkClaim(id, link.Relation, link.Note, statement.Version), Roles.Editor, cancellation);
            }
        }

        var verdicts = claim.Verdicts ?? [];
        var history = await GetAsync<ClaimHistoryView>($"/api/claims/{id}", cancellation);
        for (var index = history.Verdicts.Count; index < verdicts.Count; index++)
        {
            var verdict = verdicts[index];
            var current = await GetAsync<ClaimHistoryView>($"/api/claims/{id}", cancellation);
            object body = index == 0
                ? new IssueVerdict(verdict.Rating, verdict.Rationale, verdict.Evidence, verdict.Reviewer, verdict.PublishedAt, verdict.Url, current.Version)
                : new ReviseVerdict(verdict.Rating, verdict.Rationale, verdict.Evidence, verdict.Reviewer, verdict.PublishedAt, verdict.Url,
                    verdict.Reason ?? "Revised", current.Version);
            var url = index == 0 ? $"/api/claims/{id}/verdicts" : $"/api/claims/{id}/verdicts/{current.Current!.VerdictId}/revisions";
            await ChangeAsync(url, body, Roles.Editor, cancellation);
        }
    }

    private Guid IdOf(string reference) =>
        _ids.TryGetValue(reference, out var id) ? id : throw new InvalidDataException($"The sample refers to '{reference}', which it does not define first.");

    private async Task<Guid> CreateAsync(string reference, string url, object body, string role, CancellationToken cancellation)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body, body.GetType(), options: Json) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokenFor(role));
        request.Headers.Add(IdempotentCreation.Header, $"sample/{setName}/{reference}");
        using var response = await client.SendAsync(request, cancellation);
        await EnsureAsync(response, url, HttpStatusCode.Created, cancellation);
        if (!response.Headers.Contains("Idempotent-Replayed"))
        {
            _created++;
        }

        var created = await response.Content.ReadFromJsonAsync<Created>(Json, cancellation);
        return _ids[reference] = created!.Id;
    }

    private async Task ChangeAsync(string url, object body, string role, CancellationToken cancellation)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body, body.GetType(), options: Json) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokenFor(role));
        using var response = await client.SendAsync(request, cancellation);
        await EnsureAsync(response, url, HttpStatusCode.OK, cancellation);
        _changed++;
    }

    private async Task<T> GetAsync<T>(string url, CancellationToken cancellation)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokenFor(Roles.Reader));
        using var response = await client.SendAsync(request, cancellation);
        await EnsureAsync(response, url, HttpStatusCode.OK, cancellation);
        return (await response.Content.ReadFromJsonAsync<T>(Json, cancellation))!;
    }

    private static async Task EnsureAsync(HttpResponseMessage response, string url, HttpStatusCode expected, CancellationToken cancellation)
    {
        if (response.StatusCode != expected)
        {
            var body = await response.Content.ReadAsStringAsync(cancellation);
            throw new HttpRequestException($"{url} answered {(int)response.StatusCode}: {body}", null, response.StatusCode);
        }
    }

    private void Report(string line) => progress?.Invoke(line);

    private static JsonSerializerOptions CreateJson()
    {
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Storage.Configure(json);
        json.ReadCommentHandling = JsonCommentHandling.Skip;
        json.AllowTrailingCommas = true;
        return json;
    }
}
