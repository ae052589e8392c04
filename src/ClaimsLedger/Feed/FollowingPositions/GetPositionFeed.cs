using System.Text;
using System.Text.Json;
using ClaimsLedger.Infrastructure;
using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Positions;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;
using Wolverine.Http;

namespace ClaimsLedger.Feed.FollowingPositions;

public static class GetPositionFeedEndpoint
{
    public const string EventStream = "text/event-stream";

    /// <summary>
    /// Follow position changes live (reader), as server-sent events: one <c>event: position-changed</c> per change,
    /// its <c>data:</c> a PositionChanged in JSON (actor, topic, previous and new stance, the statement it is read from,
    /// when that was said, the Flip rating of the move, and when the change was recorded), sent once the change is
    /// committed and its timeline recomputed. Filters are optional: <c>speakerId</c> and <c>organizationId</c> follow
    /// those actors (either, when both are given), <c>topicId</c> narrows to one topic; none follows everything. A
    /// comment line (<c>: heartbeat</c>) comes every 15 seconds or so when nothing else does. The stream lasts until the
    /// client disconnects (or the service stops); it is live only, with no replay: a client that reconnects reads the
    /// timelines again for what it missed. A client that reads too slowly loses its oldest unread changes. Send
    /// <c>Accept: text/event-stream</c> (EventSource does), else 406; past the limit of concurrent subscribers (200 by
    /// default), 503 with Retry-After.
    /// </summary>
    [WolverineGet("/api/feed/positions"), RequiresRole(Roles.Reader)]
    // No request time limit: the stream is meant to last until the client disconnects. A heartbeat written to a
    // client that has vanished fails and ends the stream, and the cap on subscribers bounds how many are open.
    [DisableRequestTimeout]
    [Tags("Feed")]
    [ProducesResponseType<PositionChanged>(StatusCodes.Status200OK, EventStream)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status406NotAcceptable, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status503ServiceUnavailable, "application/problem+json")]
    public static IResult Get(Guid? speakerId, Guid? organizationId, Guid? topicId, HttpContext http, LiveFeed feed)
    {
        var accepts = http.Request.GetTypedHeaders().Accept.Any(accept => accept.MediaType.Equals(EventStream, StringComparison.OrdinalIgnoreCase));
        return accepts
            ? new PositionFeedEvents(feed, new FeedFilter(speakerId, organizationId, topicId))
            : Results.Problem(
                statusCode: StatusCodes.Status406NotAcceptable,
                title: "This endpoint streams server-sent events.",
                detail: $"Send 'Accept: {EventStream}' (EventSource does): the answer is a stream that lasts until you disconnect.",
                type: "https://www.rfc-editor.org/rfc/rfc9110#name-406-not-acceptable");
    }
}

/// <summary>
/// The stream itself: subscribes when it starts (503 when the feed is full), then writes each change as an SSE event
/// and a heartbeat comment whenever the stream has been quiet for the heartbeat interval, flushing after each, until
/// the client goes away or the feed closes. The subscription ends with the stream, however it ends.
/// </summary>
public sealed class PositionFeedEvents(LiveFeed feed, FeedFilter filter) : IResult
{
    /// <summary>The API's own JSON: camelCase, kebab-case enum values, stated times as strings.</summary>
    private static readonly JsonSerializerOptions Json = CreateJson();

    public FeedFilter Filter { get; } = filter;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        if (!feed.TrySubscribe(Filter, out var subscription))
        {
            response.Headers.RetryAfter = "5";
            await Results.Problem(
                    statusCode: StatusCodes.Status503ServiceUnavailable,
                    title: "Too many live feed subscribers.",
                    detail: $"The live feed serves at most {feed.Options.MaxSubscribers} subscribers at once. Retry shortly.",
                    type: "https://www.rfc-editor.org/rfc/rfc9110#name-503-service-unavailable")
                .ExecuteAsync(httpContext);
            return;
        }

        using (subscription)
        {
            var disconnected = httpContext.RequestAborted;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = GetPositionFeedEndpoint.EventStream;
            response.Headers.CacheControl = "no-cache";
            response.Headers[HeaderNames.XContentTypeOptions] = "nosniff";
            // Proxies that buffer (nginx) would hold the events back.
            response.Headers["X-Accel-Buffering"] = "no";
            httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            try
            {
                // Sends the headers at once, so the client knows it is subscribed before anything happens.
                await WriteAsync(response, ": following position changes\n\n", disconnected);
                var reader = subscription.Reader;
                while (true)
                {
                    using var quiet = CancellationTokenSource.CreateLinkedTokenSource(disconnected);
                    quiet.CancelAfter(feed.Options.Heartbeat);
                    bool more;
                    try
                    {
                        more = await reader.WaitToReadAsync(quiet.Token);
                    }
                    catch (OperationCanceledException) when (!disconnected.IsCancellationRequested)
                    {
                        await WriteAsync(response, ": heartbeat\n\n", disconnected);
                        continue;
                    }

                    if (!more)
                    {
                        return;
                    }

                    var events = new StringBuilder();
                    while (reader.TryRead(out var change))
                    {
                        events.Append(Frame(change));
                    }

                    await WriteAsync(response, events.ToString(), disconnected);
                }
            }
            catch (OperationCanceledException) when (disconnected.IsCancellationRequested)
            {
                // The client went away: the stream is over.
            }
            catch (IOException)
            {
                // The connection broke while writing, before the server noticed the client had gone.
            }
        }
    }

    /// <summary>One server-sent event: its type, then the change as one line of JSON (JSON escapes line breaks).</summary>
    public static string Frame(PositionChanged change) => $"event: position-changed\ndata: {JsonSerializer.Serialize(change, Json)}\n\n";

    private static async Task WriteAsync(HttpResponse response, string text, CancellationToken cancellation)
    {
        await response.WriteAsync(text, cancellation);
        await response.Body.FlushAsync(cancellation);
    }

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Storage.Configure(options);
        return options;
    }
}
