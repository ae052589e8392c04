using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Alba;
using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Tests.Support;
using CsCheck;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;

namespace ClaimsLedger.Tests.Api;

/// <summary>
/// Thousands of generated requests at every endpoint: malformed and deeply nested JSON, huge strings,
/// control characters, impossible dates, absurd numbers and page sizes, fields the API does not know
/// (a client-set sequence, version, recorded time or user). Whatever comes, the answer is never a 500
/// nor a hang, every refusal is a ProblemDetails, and a refused request writes nothing.
/// </summary>
public sealed partial class HostileInputTests(AppFixture fixture) : ApiContext(fixture)
{
    private static readonly string[] Fields =
    [
        "name", "quote", "kind", "statedAt", "speakerId", "topicIds", "source", "outlet", "url", "text", "html", "rating", "rationale",
        "publishedAt", "expectedVersion", "ratings", "mapping", "reason", "claimId", "relation", "title", "ladder", "aliases", "roleId",
        "stance", "edits", "candidates", "number", "retractedAt", "note", "evidence", "description",
        // What a client must never set: ignored or refused, never stored.
        "sequence", "version", "recordedAt", "timestamp", "user", "userName", "id", "streamId",
    ];

    private static readonly string[] QueryKeys =
    [
        "limit", "cursor", "asOf", "knownAt", "from", "to", "q", "type", "user", "streamId", "bucket", "labels", "rating", "kind", "status",
        "speakerId", "topicId", "organizationId", "outlet", "afterSequence", "throughSequence", "size", "old",
    ];

    private static readonly Gen<string> Text = Gen.OneOf(
        Gen.Const(""), Gen.Const("   "), Gen.String[0, 40], Gen.Int[1_000, 120_000].Select(length => new string('x', length)),
        Gen.Const("\u0000\u0001\u001b\u007f"), Gen.Const("2016-13-45"), Gen.Const("2016-02-30"), Gen.Const("9999-12-31T23:59:59Z"),
        Gen.Const("0001-01-01"), Gen.Const("-1"), Gen.Const("<script>alert(1)</script>"), Gen.Const("' or 1=1 --"), Gen.Const("%00"),
        Gen.Const("../../etc/passwd"), Gen.Const("{\"$type\":\"System.IO.FileInfo\"}"), Gen.Guid.Select(guid => guid.ToString()),
        Gen.Const("direct"), Gen.Const("supports"), Gen.Const("true"), Gen.Const("2016-01-27"));

    private static readonly Gen<string> Number = Gen.OneOf(
        Gen.Const("-1"), Gen.Const("0"), Gen.Const("1"), Gen.Const("1e308"), Gen.Const("-1e308"), Gen.Const("9999999999999999999999999"),
        Gen.Const("-9223372036854775809"), Gen.Const("1.5"), Gen.Const("2147483648"), Gen.Long.Select(value => value.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    private static readonly Gen<string> Scalar = Gen.OneOf(
        Text.Select(text => JsonSerializer.Serialize(text)), Number, Gen.Const("null"), Gen.Const("true"), Gen.Const("[]"), Gen.Const("{}"),
        Gen.Const("\"\\ud800\""), Gen.Const("[\"\\u0000\"]"), Text.Array[0, 5].Select(items => JsonSerializer.Serialize(items)));

    private static readonly Gen<string> Value = Gen.OneOf(
        Scalar,
        Gen.Select(Gen.OneOf<string>(Fields), Scalar).Array[0, 4].Select(pairs => "{" + string.Join(",", pairs.Select(pair => $"\"{pair.Item1}\":{pair.Item2}")) + "}"),
        Scalar.Array[0, 4].Select(items => "[" + string.Join(",", items) + "]"));

    private static readonly Gen<string> Body = Gen.OneOf(
        Gen.Select(Gen.OneOf<string>(Fields), Value).Array[0, 10].Select(pairs => "{" + string.Join(",", pairs.Select(pair => $"\"{pair.Item1}\":{pair.Item2}")) + "}"),
        Gen.OneOf<string>("{", "[", "{\"a\":", "nul", "{\"name\":\"x\"", "\"unterminated", "{'single':1}", "{\"a\":1,}", "", "\u0000", "{\"a\":NaN}", "]["),
        Gen.Int[10, 5_000].Select(depth => new string('[', depth) + new string(']', depth)),
        Gen.Int[10, 2_000].Select(depth => string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth)));

    private static readonly Gen<string> Query = Gen.Select(Gen.OneOf<string>(QueryKeys), Gen.OneOf(Text.Where(text => text.Length < 3_000 && !text.Contains('\u0000')), Number))
        .Array[0, 4].Select(pairs => string.Join("&", pairs.Select(pair => $"{pair.Item1}={Uri.EscapeDataString(pair.Item2)}")));

    /// <summary>Headers a client controls, beyond the credential: what each names is read by some layer of the service.</summary>
    private static readonly string[] HeaderNames =
    [
        "Content-Type", "Content-Encoding", "Accept", "Accept-Encoding", "Accept-Language", "Accept-Charset", "If-Match", "If-None-Match",
        "If-Modified-Since", "Range", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "Forwarded", "Traceparent", "Cookie",
        "Origin", "Expect", "Transfer-Encoding", "X-HTTP-Method-Override",
    ];

    private static readonly Gen<(string Name, string Value)[]> Headers = Gen.Select(
        Gen.OneOf<string>(HeaderNames),
        Gen.OneOf(
            Text.Where(text => text.Length < 8_000 && text.All(c => c is >= ' ' and < '\u007f')),
            Gen.OneOf<string>("gzip", "br, deflate", "text/event-stream", "application/xml", "*/*;q=abc", "text/plain; charset=utf-7",
                "multipart/form-data; boundary=", "application/json; charset=ebcdic", "bytes=0-1,5-", "100-continue", "chunked",
                "DELETE", "00-zzzz-zzzz-01", "\"etag\"", "W/\"x\"")))
        .Array[0, 3];

    private IReadOnlyList<(string Method, string Route)> Endpoints() =>
    [
        .. from endpoint in Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
           let route = endpoint.RoutePattern.RawText!
           where route.StartsWith("/api/", StringComparison.Ordinal) && !route.StartsWith("/api/feed/", StringComparison.Ordinal)
           from method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []
           orderby route, method
           select (method, route),
    ];

    [Fact]
    public async Task No_generated_request_gets_a_500_or_hangs_and_every_refusal_is_a_problem_that_wrote_nothing()
    {
        var endpoints = Endpoints();
        var admin = Fixture.TokenFor(Roles.Admin);
        var existing = await SeedAsync();
        var requests = Gen.Select(Gen.Int[0, endpoints.Count - 1], Body, Query,
            Gen.OneOf(Gen.Const((string?)null), Text.Where(text => text.Length < 300).Select(text => (string?)text)), Headers);
        var realIds = new Random(20160127);

        await requests.SampleAsync(async (index, body, query, idempotencyKey, headers) =>
        {
            var (method, route) = endpoints[index];
            // Half the time the route names resources that exist, so the body is read past the 404.
            var useReal = realIds.Next(2) == 0;
            var url = RouteParameter().Replace(route, match => useReal ? Existing(existing, route, match.Value) : Guid.NewGuid().ToString()) +
                      (query.Length > 0 ? "?" + query : "");
            var before = await EventCountAsync();
            var result = await Host.Scenario(s =>
            {
                s.WithBearerToken(admin);
                if (idempotencyKey is not null && idempotencyKey.All(c => c is >= ' ' and < '\u007f'))
                {
                    s.WithRequestHeader("Idempotency-Key", idempotencyKey);
                }

                if (method == HttpMethods.Get)
                {
                    s.Get.Url(url);
                }
                else
                {
                    s.Post.Text(body).ToUrl(url);
                    s.WithRequestHeader("Content-Type", "application/json");
                }

                foreach (var (name, value) in headers)
                {
                    s.WithRequestHeader(name, value);
                }

                s.IgnoreStatusCode();
            }).WaitAsync(TimeSpan.FromSeconds(60));

            var status = result.Context.Response.StatusCode;
            var described = $"{method} {url} with {Describe(body)} and headers {string.Join("; ", headers.Select(header => $"{header.Name}: {Describe(header.Value)}"))} answered {status}";
            status.ShouldBeLessThan(500, described + ": " + await Excerpt(result));
            if (status >= 400)
            {
                result.Context.Response.ContentType.ShouldNotBeNull(described).ShouldStartWith("application/problem+json", Case.Insensitive, described);
                (await EventCountAsync()).ShouldBe(before, described + " wrote events");
            }
        }, iter: 2_000, threads: 1, print: request => $"endpoint {endpoints[request.Item1]}, query {request.Item3}, body {Describe(request.Item2)}, headers {request.Item5.Length}");
    }

    /// <summary>One of each resource the routes name, for requests that must get past "not found".</summary>
    private async Task<Dictionary<string, string>> SeedAsync()
    {
        var organization = await Given.OrganizationAsync($"Hostile ministry {Guid.NewGuid():N}");
        var speaker = await Given.SpeakerAsync("Hostile Speaker", organization);
        var topic = await Given.TopicAsync($"Hostile topic {Guid.NewGuid():N}");
        var statement = await Given.AssessedStatementAsync(speaker, topic, "we are looking at options", "2016-01-27", "assessing");
        var claim = await ClaimsLedger.Tests.Claims.ClaimScenarios.ClaimAsync(Given, "Hostile claim");
        var verdict = await ClaimsLedger.Tests.Claims.ClaimScenarios.VerdictAsync(Given, claim, "true", "2016-02-01");
        var role = (await Given.GetAsync<ClaimsLedger.Speakers.GettingDetails.SpeakerDetails>($"/api/speakers/{speaker}")).Roles[0].RoleId;
        var article = await Host.Scenario(s =>
        {
            s.WithBearerToken(Recorder);
            s.Post.Json(new ClaimsLedger.Ingestion.Submitting.SubmitArticle($"“We will act,” Hostile Speaker said. {Guid.NewGuid():N}", null, "Hostile outlet"))
                .ToUrl("/api/articles");
            s.StatusCodeShouldBe(201);
        });
        var articleId = (await article.ReadAsJsonAsync<ClaimsLedger.Ingestion.Submitting.ArticleSubmission>())!.Id;
        return new Dictionary<string, string>
        {
            ["organization"] = organization.ToString(), ["speaker"] = speaker.ToString(), ["topic"] = topic.ToString(),
            ["statement"] = statement.ToString(), ["claim"] = claim.ToString(), ["verdict"] = verdict.VerdictId.ToString(),
            ["role"] = role.ToString(), ["article"] = articleId.ToString(), ["scale"] = ClaimsLedger.RatingScales.DefaultRatingScale.Id.ToString(),
        };
    }

    private static string Existing(Dictionary<string, string> existing, string route, string parameter) => parameter switch
    {
        "{speakerId}" => existing["speaker"],
        "{topicId}" => existing["topic"],
        "{organizationId}" => existing["organization"],
        "{verdictId}" => existing["verdict"],
        "{roleId}" => existing["role"],
        "{number}" => "1",
        _ when route.StartsWith("/api/speakers/", StringComparison.Ordinal) => existing["speaker"],
        _ when route.StartsWith("/api/topics/", StringComparison.Ordinal) => existing["topic"],
        _ when route.StartsWith("/api/organizations/", StringComparison.Ordinal) => existing["organization"],
        _ when route.StartsWith("/api/claims/", StringComparison.Ordinal) => existing["claim"],
        _ when route.StartsWith("/api/articles/", StringComparison.Ordinal) => existing["article"],
        _ when route.StartsWith("/api/rating-scales/", StringComparison.Ordinal) => existing["scale"],
        _ => existing["statement"],
    };

    private static string Describe(string body) => body.Length <= 200 ? body : $"{body[..200]}… ({body.Length} characters)";

    private static async Task<string> Excerpt(IScenarioResult result)
    {
        var text = await result.ReadAsTextAsync();
        return text.Length <= 500 ? text : text[..500];
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();
}
