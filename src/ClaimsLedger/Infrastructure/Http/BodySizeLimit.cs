using Microsoft.AspNetCore.Mvc;

namespace ClaimsLedger.Infrastructure.Http;

/// <summary>Raises or lowers the request body limit of one endpoint (default <see cref="BodySizeLimit.DefaultBytes"/>).</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class BodySizeLimitAttribute(int bytes) : Attribute
{
    public int Bytes { get; } = bytes;
}

/// <summary>
/// Refuses request bodies over the endpoint's limit with 413 before anything reads them.
/// A declared Content-Length is checked up front; a chunked body is read into memory only
/// up to the limit. The buffered body is also what idempotency fingerprints.
/// </summary>
public sealed class BodySizeLimit(RequestDelegate next)
{
    public const int DefaultBytes = 64 * 1024;

    public static ProblemDetails TooLarge(long? limit = null) => new()
    {
        Status = StatusCodes.Status413PayloadTooLarge,
        Title = "The request body is too large.",
        Detail = limit is null ? null : $"This endpoint accepts at most {limit} bytes.",
        Type = "https://www.rfc-editor.org/rfc/rfc9110#name-413-content-too-large",
    };

    public async Task InvokeAsync(HttpContext context, IProblemDetailsService problems)
    {
        if (!HasBody(context.Request))
        {
            await next(context);
            return;
        }

        var limit = context.GetEndpoint()?.Metadata.GetMetadata<BodySizeLimitAttribute>()?.Bytes ?? DefaultBytes;
        if (context.Request.ContentLength > limit)
        {
            await RejectAsync(context, problems, limit);
            return;
        }

        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                await RejectAsync(context, problems, limit);
                return;
            }

            buffer.Write(chunk, 0, read);
        }

        buffer.Position = 0;
        BufferedBody.Keep(context, buffer);
        context.Request.Body = buffer;
        context.Request.ContentLength = buffer.Length;
        await next(context);
    }

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);

    private static async Task RejectAsync(HttpContext context, IProblemDetailsService problems, long limit)
    {
        context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        // Tell the client not to keep streaming a body we will not read.
        context.Response.Headers.Connection = "close";
        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = TooLarge(limit) });
    }
}
