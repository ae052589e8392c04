using System.Net;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using ClaimsLedger.Claims.Opening;
using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using ClaimsLedger.Organizations.Registering;
using ClaimsLedger.Speakers;
using ClaimsLedger.Speakers.AssumingRoles;
using ClaimsLedger.Speakers.Registering;
using ClaimsLedger.Statements;
using ClaimsLedger.Statements.Recording;
using ClaimsLedger.Tests.Support;
using Shouldly;
using Wolverine.Http;

namespace ClaimsLedger.Tests.Reliability;

/// <summary>
/// A client whose request times out after the service committed (the answer is lost on a stalled
/// connection) retries with the same Idempotency-Key: one event, not two, and the same resource. The
/// stall is real: a TCP proxy forwards the request and swallows the answer, and the client's own timeout
/// gives up on it.
/// </summary>
[Collection(Name)]
public sealed partial class StalledConnectionTests(KestrelFixture fixture) : IAsyncLifetime
{
    public const string Name = "stalled connections";

    /// <summary>How long the client waits for an answer before it gives up (a warm creation takes milliseconds).</summary>
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(3);

    private Guid _speaker;

    public async Task InitializeAsync()
    {
        var organization = await fixture.CreateAsync("/api/organizations", new RegisterOrganization($"Stalled ministry {Guid.NewGuid():N}"), Roles.Recorder);
        _speaker = await fixture.CreateAsync("/api/speakers", new RegisterSpeaker("Peter Cook", SpeakerKind.Person), Roles.Recorder);
        await fixture.CreateAsync($"/api/speakers/{_speaker}/roles", new AssumeRole("Pentagon Press Secretary", organization, "2015-09", null, 1), Roles.Recorder);
        // One creation of each kind first, straight to the service: an endpoint's first request compiles its handler,
        // which can take longer than the client waits. (The first claim also stores the default rating scale, with
        // the claim's key on its event too.)
        foreach (var route in CreationRoutes)
        {
            var creation = NewCreation(route);
            using var client = fixture.Client(fixture.BaseAddress, creation.User, creation.Role);
            using var request = KestrelFixture.Post(route, creation.Json, null);
            using var response = await client.SendAsync(request);
            response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        }
    }

    public Task DisposeAsync()
    {
        fixture.Proxy.Resume();
        return Task.CompletedTask;
    }

    /// <summary>A creation request: where it goes, as whom, and its body (unique to this call).</summary>
    private sealed record Creation(string Url, string Role, string Json, string User)
    {
        public Creation WithBody(string json) => this with { Json = json };
    }

    private Creation NewCreation(string url)
    {
        var unique = Guid.NewGuid().ToString("N");
        return url switch
        {
            "/api/statements" => new(url, Roles.Recorder, Serialize(new RecordStatement(
                _speaker, null, $"We want to be prepared {unique}", QuoteKind.Partial, "2016-01-28", [], new SourceInput("Latin One", "https://latinone.com/"))),
                $"stall-recorder-{unique}"),
            "/api/claims" => new(url, Roles.Editor, Serialize(new OpenClaim($"The Pentagon is weighing options {unique}", null, null, null)),
                $"stall-editor-{unique}"),
            "/api/speakers" => new(url, Roles.Recorder, Serialize(new RegisterSpeaker($"Speaker {unique}", SpeakerKind.Person)),
                $"stall-recorder-{unique}"),
            "/api/organizations" => new(url, Roles.Recorder, Serialize(new RegisterOrganization($"Ministry {unique}")),
                $"stall-recorder-{unique}"),
            "/api/topics" => new(url, Roles.Editor, Serialize(new ClaimsLedger.Topics.Opening.OpenTopic($"Topic {unique}", null, Scenarios.MilitaryActionLadder)),
                $"stall-editor-{unique}"),
            "/api/rating-scales" => new(url, Roles.Editor, Serialize(new ClaimsLedger.RatingScales.Defining.DefineRatingScale($"Scale {unique}",
                    [new("false", "False", 0), new("true", "True", 1)])),
                $"stall-editor-{unique}"),
            _ => throw new ArgumentOutOfRangeException(nameof(url), url, "No body for this creation."),
        };
    }

    private static string Serialize(object body) => JsonSerializer.Serialize(body, Json.Options);

    private static readonly string[] CreationRoutes =
        ["/api/statements", "/api/claims", "/api/speakers", "/api/organizations", "/api/topics", "/api/rating-scales"];

    public static TheoryData<string> IdempotentCreations() => new(CreationRoutes);

    [Fact]
    public void Every_idempotent_creation_is_covered_here()
    {
        var marked = typeof(Program).Assembly.GetTypes()
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Static))
            .Where(method => method.IsDefined(typeof(IdempotentCreationAttribute)))
            .Select(method => method.GetCustomAttribute<WolverinePostAttribute>()!.Template)
            .Order()
            .ToList();

        marked.ShouldBe(CreationRoutes.Order().ToList());
    }

    /// <summary>
    /// Sends <paramref name="creation"/> through the stalling proxy and waits until the client gives up.
    /// Returns the answer the service gave and the client never heard: its status line, Location and id.
    /// </summary>
    private async Task<(string Status, string Location, Guid Id)> LoseTheAnswerAsync(Creation creation, string? key)
    {
        var stall = fixture.Proxy.Stall();
        using var client = fixture.Client(fixture.ProxyAddress, creation.User, creation.Role, ClientTimeout);
        using var request = KestrelFixture.Post(creation.Url, creation.Json, key);

        await Should.ThrowAsync<TaskCanceledException>(() => client.SendAsync(request));
        var gaveUp = DateTimeOffset.UtcNow;

        // The service had answered, so it had committed, before the client gave up.
        stall.First.IsCompleted.ShouldBeTrue("the service never answered: the client gave up before anything was committed");
        (await stall.First).ShouldBeLessThan(gaveUp);
        fixture.Proxy.Resume();
        var answer = stall.Text;
        var status = answer.Split("\r\n")[0];
        var location = LocationHeader().Match(answer).Groups[1].Value;
        location.ShouldNotBeEmpty(answer);
        return (status, location, Guid.Parse(location[(location.LastIndexOf('/') + 1)..]));
    }

    [Theory]
    [MemberData(nameof(IdempotentCreations))]
    public async Task A_creation_whose_answer_was_lost_after_commit_is_answered_once_when_retried_with_the_same_key(string url)
    {
        var creation = NewCreation(url);
        var key = $"stalled-{Guid.NewGuid():N}";

        var lost = await LoseTheAnswerAsync(creation, key);

        lost.Status.ShouldBe("HTTP/1.1 201 Created");
        lost.Id.ShouldBe(IdempotentCreation.DeriveId(creation.User, url, key));
        // Committed while the client had already thrown: the stream is there.
        (await fixture.EventsAsync(lost.Id, key)).ShouldBe((1, 1L));

        using var retrying = fixture.Client(fixture.BaseAddress, creation.User, creation.Role);
        using var retry = KestrelFixture.Post(url, creation.Json, key);
        using var response = await retrying.SendAsync(retry);

        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, body);
        response.Headers.GetValues("Idempotent-Replayed").ShouldBe(["true"]);
        response.Headers.Location!.ToString().ShouldBe(lost.Location);
        JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid().ShouldBe(lost.Id);
        (await fixture.EventsAsync(lost.Id, key)).ShouldBe((1, 1L), "the retry must not have appended");
    }

    [Fact]
    public async Task Without_a_key_the_same_retry_records_the_statement_twice()
    {
        // Why clients send the key: the service cannot tell a retry from a second statement.
        var creation = NewCreation("/api/statements");

        var lost = await LoseTheAnswerAsync(creation, key: null);

        lost.Status.ShouldBe("HTTP/1.1 201 Created");
        using var retrying = fixture.Client(fixture.BaseAddress, creation.User, creation.Role);
        using var retry = KestrelFixture.Post(creation.Url, creation.Json, null);
        using var response = await retrying.SendAsync(retry);

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        response.Headers.Contains("Idempotent-Replayed").ShouldBeFalse();
        response.Headers.Location!.ToString().ShouldNotBe(lost.Location);
    }

    [Fact]
    public async Task A_retry_with_the_same_key_and_another_body_is_refused_and_appends_nothing()
    {
        var creation = NewCreation("/api/statements");
        var key = $"stalled-{Guid.NewGuid():N}";
        var lost = await LoseTheAnswerAsync(creation, key);

        var other = creation.WithBody(NewCreation("/api/statements").Json);
        using var retrying = fixture.Client(fixture.BaseAddress, creation.User, creation.Role);
        using var retry = KestrelFixture.Post(other.Url, other.Json, key);
        using var response = await retrying.SendAsync(retry);

        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity, body);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        JsonDocument.Parse(body).RootElement.GetProperty("errors").GetProperty("Idempotency-Key")[0].GetString()!
            .ShouldContain("different request body");
        (await fixture.EventsAsync(lost.Id, key)).ShouldBe((1, 1L));
    }

    /// <summary>
    /// The original and its retries all in flight at once: the table of streams is locked from another
    /// connection, so every one of them has checked the key (and found nothing) and waits to append when it
    /// is released. One appends; the others collide on the derived stream id.
    /// </summary>
    [Fact]
    public async Task A_retry_racing_the_original_yields_one_event()
    {
        const int Retries = 3;
        var creation = NewCreation("/api/statements");
        var key = $"racing-{Guid.NewGuid():N}";
        var id = IdempotentCreation.DeriveId(creation.User, creation.Url, key);

        await using var locker = await HeldLock.TakeAsync($"lock table {fixture.Schema}.mt_streams in exclusive mode");

        var stall = fixture.Proxy.Stall();
        using var stalledClient = fixture.Client(fixture.ProxyAddress, creation.User, creation.Role);
        using var giveUp = new CancellationTokenSource();
        using var originalRequest = KestrelFixture.Post(creation.Url, creation.Json, key);
        var original = stalledClient.SendAsync(originalRequest, giveUp.Token);

        var retryClients = Enumerable.Range(0, Retries).Select(_ => fixture.Client(fixture.BaseAddress, creation.User, creation.Role)).ToList();
        var retries = retryClients.Select(async client =>
        {
            using var request = KestrelFixture.Post(creation.Url, creation.Json, key);
            using var response = await client.SendAsync(request);
            return (response.StatusCode, Replayed: response.Headers.Contains("Idempotent-Replayed"), Body: await response.Content.ReadAsStringAsync());
        }).ToList();

        await locker.WaitForWaitersAsync(Retries + 1, TimeSpan.FromSeconds(60));
        await locker.ReleaseAsync();

        var answers = await Task.WhenAll(retries);
        retryClients.ForEach(client => client.Dispose());
        await stall.First.WaitAsync(TimeSpan.FromSeconds(30));
        var originalStatus = stall.Text.Split("\r\n")[0];
        await giveUp.CancelAsync();
        await Should.ThrowAsync<TaskCanceledException>(() => original);
        fixture.Proxy.Resume();

        var statuses = answers.Select(answer => answer.StatusCode).Prepend(OriginalStatus(originalStatus)).ToList();
        statuses.Count(status => status == HttpStatusCode.Created).ShouldBe(1, string.Join(", ", statuses));
        statuses.Count(status => status == HttpStatusCode.Conflict).ShouldBe(Retries, string.Join(", ", statuses));
        answers.ShouldAllBe(answer => !answer.Replayed, "every request had checked the key before any had committed");
        (await fixture.EventsAsync(id, key)).ShouldBe((1, 1L));

        // And a loser that retries again reads the winner's answer.
        using var lastClient = fixture.Client(fixture.BaseAddress, creation.User, creation.Role);
        using var last = KestrelFixture.Post(creation.Url, creation.Json, key);
        using var replay = await lastClient.SendAsync(last);
        replay.StatusCode.ShouldBe(HttpStatusCode.Created);
        replay.Headers.GetValues("Idempotent-Replayed").ShouldBe(["true"]);
        (await fixture.EventsAsync(id, key)).ShouldBe((1, 1L));
    }

    private static HttpStatusCode OriginalStatus(string statusLine) =>
        (HttpStatusCode)int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"\r\nLocation: ([^\r\n]+)", RegexOptions.IgnoreCase)]
    private static partial Regex LocationHeader();
}

[CollectionDefinition(StalledConnectionTests.Name)]
public sealed class StalledConnectionCollection : ICollectionFixture<KestrelFixture>;
