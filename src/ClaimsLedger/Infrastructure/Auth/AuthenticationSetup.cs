using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ClaimsLedger.Infrastructure.Auth;

public static class AuthenticationSetup
{
    /// <summary>Bearer tokens, with one authorization policy per role.</summary>
    public static IServiceCollection AddClaimsLedgerAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        if (string.IsNullOrEmpty(options.Authority) && string.IsNullOrEmpty(options.SigningKey))
        {
            throw new InvalidOperationException(
                "No way to validate tokens: set Auth:Authority (your OpenID Connect provider) or Auth:SigningKey " +
                "(base64, 32+ bytes, for local use; ops/run makes one).");
        }

        services.AddSingleton(options);
        services.AddSingleton<DevTokens>();
        services
            .AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(jwt =>
            {
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
                else
                {
                    jwt.TokenValidationParameters.IssuerSigningKey = DevTokens.KeyFrom(options.SigningKey!);
                }
            });
        services.AddAuthorization(authorization => authorization.AddRolePolicies());
        return services;
    }
}
