using System.Globalization;
using Marten;
using Marten.Services;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace ClaimsLedger.Infrastructure.Http;

/// <summary>How long a request may take (configuration section <c>RequestTimeouts</c>).</summary>
public sealed class RequestTimeoutSettings
{
    public const string Section = "RequestTimeouts";

    /// <summary>Every API endpoint's limit, unless it names another policy.</summary>
    public TimeSpan Default { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The NDJSON export's limit (<see cref="RequestTimeouts.ExportPolicy"/>).</summary>
    public TimeSpan Export { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>
/// Request time limits (ASP.NET Core's request timeouts): past its limit a request's <c>RequestAborted</c>
/// token is cancelled, so whatever it is waiting for (the database above all: Marten and Npgsql cancel the
/// command, and PostgreSQL rolls the transaction back) gives up, and the client gets a 503 ProblemDetails
/// with Retry-After instead of a connection that hangs.
/// <para>
/// 503, not 504: 504 says a gateway got no timely answer from the server behind it, and clients and load
/// balancers would blame the proxy in front of us. What happened is that this service could not answer in
/// time, almost always because the database is slow or gone; and a dead database already answers 503 with
/// Retry-After (<see cref="ExceptionProblems"/>), so clients follow one rule for both: wait, then retry,
/// with the same Idempotency-Key when creating.
/// </para>
/// <para>
/// What is not under the default limit, and why:
/// <list type="bullet">
/// <item>the live feed (<c>GET /api/feed/positions</c>) has none (<see cref="DisableRequestTimeoutAttribute"/>):
/// the stream is meant to last until the client leaves; a heartbeat to a client that has gone ends it, and the
/// cap on subscribers bounds how many are open;</item>
/// <item>the NDJSON export (<c>GET /api/events/export</c>) streams the whole log, so its length grows with the
/// log: it has its own, longer policy. Past it the stream is cut (once it has begun, its 200 is sent), and a
/// client resumes with <c>afterSequence</c> set to the last line it received; <c>export-events</c> has no limit;</item>
/// <item>CSV downloads keep the default: they read their view in full (bounded like their JSON twins) before
/// writing a few rows, so they take no longer than the JSON.</item>
/// </list>
/// </para>
/// <para>
/// A change that has committed is answered with its success, however late: once the transaction is in, the
/// limit is lifted (<see cref="CommitLiftsTheLimit"/>), so the client is not told 503 about something that was
/// recorded. A limit that passes before or during the commit cancels it: PostgreSQL rolls the transaction back,
/// or, if the COMMIT itself was under way, it may have gone in. That last case is why clients retry creations
/// with the same Idempotency-Key.
/// </para>
/// The middleware does nothing while a debugger is attached (so stepping through an endpoint does not time it out).
/// </summary>
public static class RequestTimeouts
{
    /// <summary>The policy name of streaming exports.</summary>
    public const string ExportPolicy = "export";

    public static IServiceCollection AddClaimsLedgerRequestTimeouts(this IServiceCollection services)
    {
        services.AddOptions<RequestTimeoutSettings>().BindConfiguration(RequestTimeoutSettings.Section)
            .Validate(settings => settings.Default > TimeSpan.Zero && settings.Export > TimeSpan.Zero,
                "RequestTimeouts: Default and Export must be positive durations (e.g. \"00:00:30\").")
            .ValidateOnStart();
        services.AddRequestTimeouts();
        services.AddSingleton<IConfigureOptions<RequestTimeoutOptions>, ConfigurePolicies>();
        services.AddHttpContextAccessor();
        services.ConfigureMarten((provider, options) =>
            options.Listeners.Add(new CommitLiftsTheLimit(provider.GetRequiredService<IHttpContextAccessor>())));
        return services;
    }

    /// <summary>The time limits, in the pipeline: after routing (they read each endpoint's policy) and authorization.</summary>
    public static WebApplication UseClaimsLedgerRequestTimeouts(this WebApplication app)
    {
        app.UseRequestTimeouts();
        app.UseMiddleware<TimeLimitNotClientAbort>();
        return app;
    }

    /// <summary>The answer to a request past its limit: nothing of what the endpoint began, only this.</summary>
    public static ProblemDetails TimedOut(TimeSpan limit) => new()
    {
        Status = StatusCodes.Status503ServiceUnavailable,
        Title = "The request took too long.",
        Detail = $"The service gave up after {limit.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s. " +
                 "A change may or may not have been recorded: retry after the delay in the Retry-After header with the same " +
                 "Idempotency-Key (a creation is then answered once), or read the resource first (a change sends expectedVersion, " +
                 "so one already applied is refused with 409).",
        Type = "https://www.rfc-editor.org/rfc/rfc9110#name-503-service-unavailable",
    };

    private static RequestTimeoutPolicy Policy(TimeSpan limit) => new()
    {
        Timeout = limit,
        TimeoutStatusCode = StatusCodes.Status503ServiceUnavailable,
        // The middleware has cleared the response (status, headers, anything buffered) before this runs.
        WriteTimeoutResponse = async context =>
        {
            context.Response.Headers.RetryAfter = ExceptionProblems.RetryAfterSeconds;
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = TimedOut(limit),
            });
        },
    };

    private sealed class ConfigurePolicies(IOptions<RequestTimeoutSettings> settings) : IConfigureOptions<RequestTimeoutOptions>
    {
        public void Configure(RequestTimeoutOptions options)
        {
            options.DefaultPolicy = Policy(settings.Value.Default);
            options.AddPolicy(ExportPolicy, Policy(settings.Value.Export));
        }
    }
}

/// <summary>
/// Wolverine answers a JSON body read that was cancelled with 499 "client closed request" (and no body), since
/// the cancellation usually means the client went away. When it was the time limit that cancelled it, the
/// client is still there and should hear the time limit's answer: this hands the case back to the time-limit
/// middleware, which writes it.
/// </summary>
public sealed class TimeLimitNotClientAbort(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        await next(context);
        if (context.Response is { StatusCode: 499, HasStarted: false } &&
            context.Features.Get<IHttpRequestTimeoutFeature>() is { RequestTimeoutToken.IsCancellationRequested: true } limit)
        {
            throw new OperationCanceledException("The request's time limit passed while its body was read.", limit.RequestTimeoutToken);
        }
    }
}

/// <summary>
/// Lifts the request's time limit once its transaction has committed: what is left is writing an answer that
/// is already known, and that answer must be the success it is, not a 503 that would send the client to retry.
/// </summary>
public sealed class CommitLiftsTheLimit(IHttpContextAccessor http) : DocumentSessionListenerBase
{
    public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        http.HttpContext?.Features.Get<IHttpRequestTimeoutFeature>()?.DisableTimeout();
        return Task.CompletedTask;
    }
}
