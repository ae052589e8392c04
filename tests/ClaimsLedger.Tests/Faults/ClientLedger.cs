using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ClaimsLedger.Infrastructure;
using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using ClaimsLedger.Speakers;
using ClaimsLedger.Speakers.Registering;
using ClaimsLedger.Statements;
using ClaimsLedger.Statements.Recording;
using ClaimsLedger.Tests.Support;
using ClaimsLedger.Topics.Opening;

namespace ClaimsLedger.Tests.Faults;

/// <summary>
/// A client that keeps its own ledger, as a careful newsroom integration would: every statement it sends carries
/// an Idempotency-Key of its own; a 201 is an acknowledgement it writes down; anything else (a refused connection,
/// a timeout, a 503) leaves the statement pending, to be sent again with the same key and body.
/// </summary>
public sealed class ClientLedger
{
    public static readonly JsonSerializerOptions Json = CreateJson();

    private readonly ConcurrentDictionary<string, RecordStatement> _pending = new();
    private readonly ConcurrentDictionary<string, Guid> _acknowledged = new();
    private readonly ConcurrentDictionary<string, int> _outcomes = new();
    private readonly ConcurrentQueue<string> _violations = new();
    private readonly string _recorder = ServiceProcess.Tokens.Mint("fault-recorder", [Roles.Recorder, Roles.Editor], TimeSpan.FromHours(2));

    public ClientLedger(string run) => Run = run;

    public string Run { get; }

    public Guid SpeakerId { get; private set; }

    public Guid TopicId { get; private set; }

    /// <summary>Key → the id the service acknowledged with a 201.</summary>
    public IReadOnlyDictionary<string, Guid> Acknowledged => _acknowledged;

    /// <summary>Sent and not (yet) acknowledged.</summary>
    public IReadOnlyDictionary<string, RecordStatement> Pending => _pending;

    /// <summary>Every answer seen, by status code (or by the exception that stood in for one).</summary>
    public IReadOnlyDictionary<string, int> Outcomes => _outcomes;

    /// <summary>Answers that broke a promise (a 2xx while the database was down, a 503 without Retry-After, ...).</summary>
    public IReadOnlyCollection<string> Violations => _violations;

    public int Attempted => _acknowledged.Count + _pending.Count;

    /// <summary>The speaker and topic every statement of this run is about, created once through the API.</summary>
    public async Task PrepareAsync(HttpClient http)
    {
        SpeakerId = await CreateAsync(http, "/api/speakers", new RegisterSpeaker($"Fault speaker {Run}", SpeakerKind.Person));
        TopicId = await CreateAsync(http, "/api/topics",
            new OpenTopic($"Fault topic {Run}", null, Scenarios.MilitaryActionLadder));
    }

    /// <summary>A new statement with a key of its own.</summary>
    /// <param name="http">The client, pointed at the service.</param>
    /// <param name="writer">Which of the client's writers sends it (part of its key).</param>
    /// <param name="number">The writer's count (part of its key).</param>
    /// <param name="check">Inspects each answer; a text it returns is a broken promise, kept in <see cref="Violations"/>.</param>
    public Task<Sent> RecordNewAsync(HttpClient http, int writer, int number, Func<HttpResponseMessage, string?>? check = null)
    {
        var key = $"{Run}/{writer}/{number}";
        var statement = new RecordStatement(SpeakerId, null,
            $"Run {Run}, writer {writer}, statement {number}: we are looking at military options", QuoteKind.Partial,
            $"2016-01-{(number % 28) + 1:00}", [TopicId], new SourceInput("i-HLS", "https://i-hls.com/archives/68094"));
        _pending[key] = statement;
        return SendAsync(http, key, statement, check);
    }

    /// <summary>Waits until the service has acknowledged this many statements in all.</summary>
    public async Task AcknowledgedAtLeastAsync(int count)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        while (_acknowledged.Count < count)
        {
            await poll.WaitForNextTickAsync(deadline.Token);
        }
    }

    /// <summary>Sends every pending statement again, same key, same body.</summary>
    public async Task RetryPendingAsync(HttpClient http)
    {
        foreach (var (key, statement) in _pending.ToArray())
        {
            await SendAsync(http, key, statement);
        }
    }

    private async Task<Sent> SendAsync(HttpClient http, string key, RecordStatement statement, Func<HttpResponseMessage, string?>? check = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/statements") { Content = JsonContent.Create(statement, options: Json) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _recorder);
        request.Headers.Add(IdempotentCreation.Header, key);
        try
        {
            using var response = await http.SendAsync(request);
            Count(((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (check?.Invoke(response) is { } violation)
            {
                _violations.Enqueue($"{key}: {violation}");
            }

            if (response.StatusCode != HttpStatusCode.Created)
            {
                return Sent.Refused;
            }

            var created = await response.Content.ReadFromJsonAsync<Created>(Json);
            _acknowledged[key] = created!.Id;
            _pending.TryRemove(key, out _);
            return Sent.Acknowledged;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or IOException)
        {
            Count(exception.GetType().Name);
            return Sent.Unanswered;
        }
    }

    private async Task<Guid> CreateAsync(HttpClient http, string url, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body, body.GetType(), options: Json) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _recorder);
        using var response = await http.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"POST {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        return (await response.Content.ReadFromJsonAsync<Created>(Json))!.Id;
    }

    private void Count(string outcome) => _outcomes.AddOrUpdate(outcome, 1, (_, count) => count + 1);

    private static JsonSerializerOptions CreateJson()
    {
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Storage.Configure(json);
        return json;
    }
}

/// <summary>What became of one send.</summary>
public enum Sent
{
    /// <summary>201: the statement is recorded.</summary>
    Acknowledged,

    /// <summary>An answer other than 201: nothing recorded, send again later.</summary>
    Refused,

    /// <summary>No answer (connection refused or cut, timeout): it may or may not be recorded.</summary>
    Unanswered,
}
