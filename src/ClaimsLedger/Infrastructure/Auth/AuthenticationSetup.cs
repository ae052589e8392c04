using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ClaimsLedger.Infrastructure.Auth;

public static class AuthenticationSetup
{
    /// <summary>
    /// Bearer tokens, with one authorization policy per role. The settings are checked when the host
    /// starts (not when services are registered), so offline commands such as verify-proof run
    /// without them.
    /// </summary>
    public static IServiceCollection AddClaimsLedgerAuthentication(this IServiceCollection services)
    {
        services.AddOptions<AuthOptions>()
            .BindConfiguration(AuthOptions.Section)
            .Validate(options => !string.IsNullOrEmpty(options.Authority) || !string.IsNullOrEmpty(options.SigningKey),
                "No way to validate tokens: set Auth:Authority (your OpenID Connect provider) or Auth:SigningKey " +
                "(base64, 32+ bytes, for local use; ops/run makes one).")
            .ValidateOnStart();
        services.AddSingleton(provider => provider.GetRequiredService<IOptions<AuthOptions>>().Value);
        services.AddSingleton<DevTokens>();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>>((jwt, auth) =>
            {
                var options = auth.Value;
                jwt.MapInboundClaims = false;
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = options.Issuer,
                    ValidAudience = options.Audience,
                    NameClaimType = JwtRegisteredClaimNames.Sub,
                    RoleClaimType = options.RoleClaimType,
                    ClockSkew = TimeSpan.FromSeconds(30),
                };
                if (!string.IsNullOrEmpty(options.Authority))
                {
                    jwt.Authority = options.Authority;
                    jwt.Audience = options.Audience;
                }
                else if (!string.IsNullOrEmpty(options.SigningKey))
                {
                    jwt.TokenValidationParameters.IssuerSigningKey = DevTokens.KeyFrom(options.SigningKey);
                }
            });
        services.AddAuthorization(authorization => authorization.AddRolePolicies());
        return services;
    }
}
