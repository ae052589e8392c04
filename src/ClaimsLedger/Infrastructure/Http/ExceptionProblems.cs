using JasperFx;
using Marten.Exceptions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace ClaimsLedger.Infrastructure.Http;

/// <summary>
/// Turns the exceptions that can escape an endpoint into ProblemDetails: concurrency
/// failures become 409, an unreachable database 503 with Retry-After, anything else a
/// 500 that leaks no internals.
/// </summary>
public sealed partial class ExceptionProblems(IProblemDetailsService problemDetails, ILogger<ExceptionProblems> logger) : IExceptionHandler
{
    /// <summary>What a 503 asks the client to wait, in seconds (the database is gone, or the request ran out of time).</summary>
    public const string RetryAfterSeconds = "5";

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = Classify(exception);
        if (problem.Status >= 500)
        {
            LogUnhandled(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
        }

        if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = RetryAfterSeconds;
        }

        httpContext.Response.StatusCode = problem.Status ?? 500;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    private static ProblemDetails Classify(Exception exception) => Unwrap(exception) switch
    {
        JasperFx.Events.ExistingStreamIdCollisionException or Marten.Exceptions.ExistingStreamIdCollisionException =>
            Problems.Conflict("A request with the same identity was committed concurrently; repeat it to read its result.",
                "Duplicate request."),
        ConcurrencyException or JasperFx.Events.EventStreamUnexpectedMaxEventIdException =>
            Problems.Conflict("Someone changed this resource after you read it. Read it again and send the new version.",
                "Stale version."),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => BodySizeLimit.TooLarge(),
        BadHttpRequestException bad => new ProblemDetails
        {
            Status = bad.StatusCode,
            Title = "The request could not be read.",
        },
        NpgsqlException { IsTransient: true } or TimeoutException => new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Title = "The database is unavailable.",
            Detail = "Nothing was recorded. Retry after the delay in the Retry-After header.",
        },
        _ => new ProblemDetails
        {
            Status = StatusCodes.Status500InternalServerError,
            Title = "Unexpected error.",
            Detail = "The error was logged. Nothing was recorded unless a later read shows it.",
        },
    };

    private static Exception Unwrap(Exception exception) => exception switch
    {
        AggregateException { InnerExceptions.Count: 1 } aggregate => Unwrap(aggregate.InnerExceptions[0]),
        MartenCommandException { InnerException: { } inner } => Unwrap(inner),
        _ => exception,
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception for {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);
}
