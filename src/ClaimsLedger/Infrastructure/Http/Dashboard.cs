using Microsoft.Net.Http.Headers;

namespace ClaimsLedger.Infrastructure.Http;

/// <summary>
/// The web dashboard: static files from wwwroot at <c>/</c>. They hold no data (every page reads the
/// public JSON API with the user's bearer token), so they are served without authentication, ahead of
/// routing; the API's own pipeline is untouched.
/// </summary>
public static class Dashboard
{
    /// <summary>
    /// script-src 'self': only our own modules run, no inline script, no eval (ECharts needs neither).
    /// style-src also allows 'unsafe-inline' because ECharts positions its tooltip and sizes its canvas
    /// through inline style attributes; a style cannot run script, and every script source stays strict.
    /// connect-src 'self': the pages talk only to this service's API.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static WebApplication UseClaimsLedgerDashboard(this WebApplication app)
    {
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions { OnPrepareResponse = context => Secure(context.Context.Response, context.File.PhysicalPath) });
        return app;
    }

    private static void Secure(HttpResponse response, string? path)
    {
        var headers = response.Headers;
        headers[HeaderNames.ContentSecurityPolicy] = ContentSecurityPolicy;
        headers[HeaderNames.XContentTypeOptions] = "nosniff";
        // Source links lead to news sites: they need not learn which dashboard page (and ids) linked them.
        headers["Referrer-Policy"] = "no-referrer";
        // Vendored libraries carry their version in the path, so they never change under a URL; our own
        // pages and modules are revalidated (ETag) on every load, so a deployment takes effect at once.
        var vendored = path is not null && path.Replace('\\', '/').Contains("/wwwroot/vendor/", StringComparison.Ordinal);
        headers[HeaderNames.CacheControl] = vendored ? "public, max-age=31536000, immutable" : "no-cache";
    }
}
