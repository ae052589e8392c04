using Microsoft.AspNetCore.Http.Json;
using Microsoft.OpenApi;
using Scalar.AspNetCore;
using Wolverine.Http;

namespace ClaimsLedger.Infrastructure.Http;

public static class HttpSetup
{
    public static IServiceCollection AddClaimsLedgerHttp(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new LedgerClock(TimeProvider.System));
        services.Configure<JsonOptions>(options =>
        {
            Storage.Configure(options.SerializerOptions);
            // A misspelt field is an error the client should hear about, not a value silently dropped.
            options.SerializerOptions.UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow;
            options.SerializerOptions.MaxDepth = 32;
        });
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            context.ProblemDetails.Extensions.TryAdd("traceId", context.HttpContext.TraceIdentifier);
        });
        // Asked when the default writer declines (an Accept header without JSON in it).
        services.AddSingleton<IProblemDetailsWriter, ProblemJsonWriter>();
        services.AddExceptionHandler<ExceptionProblems>();
        services.AddHealthChecks();
        services.AddClaimsLedgerRateLimits();
        services.AddClaimsLedgerRequestTimeouts();
        services.AddWolverineHttp();
        services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "ClaimsLedger API";
            document.Info.Description =
                "Official statements as immutable events, and the views built from them. " +
                "Every endpoint but /health needs a bearer token; each names the least role it requires.";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
            };
            document.Security ??= [];
            document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] });
            return Task.CompletedTask;
        }));
        return services;
    }

    public static WebApplication UseClaimsLedgerHttp(this WebApplication app)
    {
        app.UseExceptionHandler();
        // Empty 401/403/404/405/415 answers get a ProblemDetails body too.
        app.UseStatusCodePages();
        app.UseRouting();
        app.UseAuthentication();
        // After authentication, so the bucket is the user's; before authorization, so floods of refused calls count too.
        app.UseRateLimiter();
        app.UseAuthorization();
        // After routing (it reads each endpoint's policy), and ahead of the body's reading, so a body that
        // trickles in counts against the limit too.
        app.UseClaimsLedgerRequestTimeouts();
        app.UseMiddleware<BodySizeLimit>();
        app.MapHealthChecks("/health").AllowAnonymous();
        return app;
    }

    public static WebApplication MapClaimsLedgerDocs(this WebApplication app)
    {
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference("/docs", options => options.WithTitle("ClaimsLedger API")).AllowAnonymous();
        return app;
    }
}
