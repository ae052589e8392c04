using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClaimsLedger.Infrastructure.Http;

/// <summary>
/// The one way this service says "no" (RFC 9457). Every rule failure names the request
/// field it is about in <c>errors</c>, keyed by the JSON path the client sent.
/// </summary>
public static class Problems
{
    public static readonly ProblemDetails None = WolverineContinue.NoProblems;

    /// <summary>400: the request is malformed (shape, format, ranges).</summary>
    public static ProblemDetails Invalid(string field, string message) =>
        Invalid(new Dictionary<string, string[]> { [field] = [message] });

    public static ProblemDetails Invalid(IDictionary<string, string[]> errors) =>
        new ValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The request is invalid.",
            Type = "https://www.rfc-editor.org/rfc/rfc9110#name-400-bad-request",
        };

    /// <summary>422: well-formed, but it refers to something that does not fit (unknown speaker, stance off the ladder).</summary>
    public static ProblemDetails Unprocessable(string field, string message) =>
        Unprocessable(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>422: each named field is well-formed but cannot be applied to the resource as it stands.</summary>
    public static ProblemDetails Unprocessable(IDictionary<string, string[]> errors) =>
        new ValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status422UnprocessableEntity,
            Title = "The request cannot be applied.",
            Type = "https://www.rfc-editor.org/rfc/rfc9110#name-422-unprocessable-content",
        };

    /// <summary>404: the resource named in the URL does not exist.</summary>
    public static ProblemDetails NotFound(string what, object id) =>
        new()
        {
            Status = StatusCodes.Status404NotFound,
            Title = $"No such {what}.",
            Detail = $"There is no {what} with id '{id}'.",
            Type = "https://www.rfc-editor.org/rfc/rfc9110#name-404-not-found",
        };

    /// <summary>404: the resource exists, but not yet at the moment asked about.</summary>
    public static ProblemDetails NotYet(string what, object id, string why) =>
        new()
        {
            Status = StatusCodes.Status404NotFound,
            Title = $"No such {what} at that moment.",
            Detail = $"The {what} '{id}' did not exist yet: {why}.",
            Type = "https://www.rfc-editor.org/rfc/rfc9110#name-404-not-found",
        };

    /// <summary>409: the resource's state does not allow this change (withdrawn, stale version, duplicate key).</summary>
    public static ProblemDetails Conflict(string detail, string title = "The resource's state does not allow this.") =>
        new()
        {
            Status = StatusCodes.Status409Conflict,
            Title = title,
            Detail = detail,
            Type = "https://www.rfc-editor.org/rfc/rfc9110#name-409-conflict",
        };
}
