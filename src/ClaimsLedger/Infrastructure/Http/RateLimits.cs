using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace ClaimsLedger.Infrastructure.Http;

/// <summary>Per-user request rate (configuration section <c>RateLimits</c>).</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    public bool Enabled { get; set; } = true;

    /// <summary>Requests a user may make each second, sustained.</summary>
    public int PermitsPerSecond { get; set; } = 50;

    /// <summary>Requests a user may make at once after a quiet spell.</summary>
    public int Burst { get; set; } = 200;
}

/// <summary>
/// A token bucket per authenticated user (the token's <c>sub</c>), and per client address for requests
/// without one, so one busy client cannot starve the others. Beyond it: 429 with Retry-After and a
/// ProblemDetails body. Health probes are never limited.
/// </summary>
public static class RateLimits
{
    public static IServiceCollection AddClaimsLedgerRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section)
            .Validate(options => options.PermitsPerSecond > 0 && options.Burst >= options.PermitsPerSecond,
                "RateLimits: PermitsPerSecond must be positive and Burst at least PermitsPerSecond.")
            .ValidateOnStart();
        services.AddRateLimiter(_ => { });
        services.AddSingleton<IConfigureOptions<RateLimiterOptions>, ConfigureLimiter>();
        return services;
    }

    public static string PartitionKey(HttpContext context) =>
        context.User.FindFirstValue("sub") is { Length: > 0 } user
            ? $"user:{user}"
            : $"address:{context.Connection.RemoteIpAddress?.ToString() ?? "unknown"}";

    private sealed class ConfigureLimiter(IOptions<RateLimitOptions> limits) : IConfigureOptions<RateLimiterOptions>
    {
        public void Configure(RateLimiterOptions options)
        {
            var settings = limits.Value;
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                !settings.Enabled || context.Request.Path.StartsWithSegments("/health")
                    ? RateLimitPartition.GetNoLimiter("unlimited")
                    : RateLimitPartition.GetTokenBucketLimiter(PartitionKey(context), _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = settings.Burst,
                        TokensPerPeriod = settings.PermitsPerSecond,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    }));
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = async (rejected, cancellation) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                var http = rejected.HttpContext;
                http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many requests.",
                        Detail = $"More than {settings.PermitsPerSecond} requests a second (bursts of {settings.Burst}) from one user. Retry after {seconds} s.",
                        Type = "https://www.rfc-editor.org/rfc/rfc6585#section-4",
                    },
                });
            };
        }
    }
}
