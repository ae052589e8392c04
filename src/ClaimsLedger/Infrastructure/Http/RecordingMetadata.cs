using System.Diagnostics;
using System.Security.Claims;
using Marten;

namespace ClaimsLedger.Infrastructure.Http;

/// <summary>
/// Stamps every event a request appends with who recorded it, in which role, and the
/// request's correlation id (the caller's X-Correlation-ID, else the trace id).
/// </summary>
public static class RecordingMetadata
{
    public const string CorrelationHeader = "X-Correlation-ID";
    public const string RolesHeader = "user-roles";

    public static void Before(HttpContext context, IDocumentSession session)
    {
        var user = context.User;
        session.LastModifiedBy = user.FindFirstValue("sub") ?? user.Identity?.Name;
        var roles = user.Claims.Where(claim => claim.Type == ((ClaimsIdentity?)user.Identity)?.RoleClaimType)
            .Select(claim => claim.Value)
            .ToArray();
        if (roles.Length > 0)
        {
            session.SetHeader(RolesHeader, string.Join(' ', roles));
        }

        var correlation = CorrelationOf(context);
        session.CorrelationId = correlation;
        context.Response.Headers[CorrelationHeader] = correlation;
    }

    private static string CorrelationOf(HttpContext context)
    {
        var supplied = context.Request.Headers[CorrelationHeader].ToString();
        if (supplied.Length is > 0 and <= 64 && supplied.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            return supplied;
        }

        return Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier;
    }
}
