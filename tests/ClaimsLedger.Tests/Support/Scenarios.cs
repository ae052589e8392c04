using Alba;
using ClaimsLedger.Infrastructure.Http;
using ClaimsLedger.Organizations.Registering;
using ClaimsLedger.Speakers;
using ClaimsLedger.Speakers.AssumingRoles;
using ClaimsLedger.Speakers.Registering;
using ClaimsLedger.Statements;
using ClaimsLedger.Statements.AssessingStances;
using ClaimsLedger.Statements.GettingDetails;
using ClaimsLedger.Statements.Recording;
using ClaimsLedger.Topics.Opening;
using Marten;
using Marten.Events;
using Microsoft.Extensions.DependencyInjection;

namespace ClaimsLedger.Tests.Support;

/// <summary>Builds preconditions the way users do: through the HTTP API, as the least role that may.</summary>
public sealed class Scenarios(AppFixture fixture)
{
    public static readonly StanceRungInput[] MilitaryActionLadder =
    [
        new("ruled-out", "Ruled out"),
        new("assessing", "Assessing"),
        new("considering-options", "Considering options"),
        new("preparing", "Preparing"),
        new("committed", "Committed"),
        new("acting", "Acting"),
    ];

    private IAlbaHost Host => fixture.Host;

    public async Task<Guid> CreateAsync(string url, object body, string role)
    {
        var result = await Host.Scenario(s =>
        {
            s.WithBearerToken(fixture.TokenFor(role));
            s.Post.Json(body).ToUrl(url);
            s.StatusCodeShouldBe(201);
        });
        return (await result.ReadAsJsonAsync<Created>())!.Id;
    }

    public async Task<ChangeAccepted> ChangeAsync(string url, object body, string role)
    {
        var result = await Host.Scenario(s =>
        {
            s.WithBearerToken(fixture.TokenFor(role));
            s.Post.Json(body).ToUrl(url);
            s.StatusCodeShouldBeOk();
        });
        return (await result.ReadAsJsonAsync<ChangeAccepted>())!;
    }

    public Task<Guid> OrganizationAsync(string name = "U.S. Department of Defense") =>
        CreateAsync("/api/organizations", new RegisterOrganization(name, ["Pentagon"]), "recorder");

    /// <summary>A speaker holding one role at <paramref name="organizationId"/> since <paramref name="since"/>.</summary>
    public async Task<Guid> SpeakerAsync(string name, Guid? organizationId = null, string title = "Pentagon Press Secretary", string? since = "2015-09")
    {
        var id = await CreateAsync("/api/speakers", new RegisterSpeaker(name, SpeakerKind.Person), "recorder");
        if (organizationId is not null)
        {
            await ChangeAsync($"/api/speakers/{id}/roles", new AssumeRole(title, organizationId, since, null, 1), "recorder");
        }

        return id;
    }

    public Task<Guid> TopicAsync(string title = "U.S. military action against ISIS in Libya") =>
        CreateAsync("/api/topics", new OpenTopic(title, null, MilitaryActionLadder), "editor");

    public Task<Guid> StatementAsync(Guid speakerId, string quote, string statedAt, Guid? topicId = null, QuoteKind kind = QuoteKind.Partial) =>
        CreateAsync("/api/statements",
            new RecordStatement(speakerId, null, quote, kind, statedAt, topicId is null ? [] : [topicId.Value],
                new SourceInput("i-HLS", "https://i-hls.com/archives/68094")),
            "recorder");

    /// <summary>A POST (as an editor unless said otherwise) that must answer 200, read as <typeparamref name="T"/>.</summary>
    public async Task<T?> PostAsync<T>(string url, object body, string role = "editor")
    {
        var result = await Host.Scenario(s =>
        {
            s.WithBearerToken(fixture.TokenFor(role));
            s.Post.Json(body).ToUrl(url);
            s.StatusCodeShouldBeOk();
        });
        return await result.ReadAsJsonAsync<T>();
    }

    /// <summary>A GET as a reader that must answer 200.</summary>
    public Task<T> GetAsync<T>(string url) => Host.GetJsonAsync<T>(url, fixture.TokenFor("reader"));

    public Task<ChangeAccepted> AssessAsync(Guid statementId, Guid topicId, string stance, long version) =>
        ChangeAsync($"/api/statements/{statementId}/stances", new AssessStance(topicId, stance, null, version), "editor");

    /// <summary>Records and assesses in one go; returns the statement id.</summary>
    public async Task<Guid> AssessedStatementAsync(Guid speakerId, Guid topicId, string quote, string statedAt, string stance)
    {
        var id = await StatementAsync(speakerId, quote, statedAt, topicId);
        await AssessAsync(id, topicId, stance, 1);
        return id;
    }

    public Task<StatementDetails> StatementDetailsAsync(Guid id) =>
        Host.GetJsonAsync<StatementDetails>($"/api/statements/{id}", fixture.TokenFor("reader"));

    /// <summary>Waits, with Marten's own API, until the async projections have caught up with the log.</summary>
    public Task ProjectionsCaughtUpAsync() =>
        Host.Services.GetRequiredService<IDocumentStore>().WaitForNonStaleProjectionDataAsync(AppFixture.ProjectionCatchUp);
}
