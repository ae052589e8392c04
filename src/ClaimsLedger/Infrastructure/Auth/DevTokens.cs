using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ClaimsLedger.Infrastructure.Auth;

/// <summary>Mints tokens signed with the configured development key.</summary>
public sealed class DevTokens(AuthOptions options, TimeProvider clock)
{
    public static SymmetricSecurityKey KeyFrom(string base64Key)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64Key);
        }
        catch (FormatException e)
        {
            throw new InvalidOperationException("Auth:SigningKey must be base64.", e);
        }

        if (bytes.Length < 32)
        {
            throw new InvalidOperationException("Auth:SigningKey must hold at least 32 bytes (256 bits).");
        }

        return new SymmetricSecurityKey(bytes);
    }

    public string Mint(string userId, IEnumerable<string> roles, TimeSpan lifetime, string? displayName = null)
    {
        if (string.IsNullOrEmpty(options.SigningKey))
        {
            throw new InvalidOperationException("Development tokens need Auth:SigningKey.");
        }

        var now = clock.GetUtcNow();
        var claims = new List<Claim>
        {
            new(JwtRegisteredClaimNames.Sub, userId),
            new(JwtRegisteredClaimNames.Name, displayName ?? userId),
        };
        claims.AddRange(roles.Select(role => new Claim(options.RoleClaimType, role)));

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = now.Add(lifetime).UtcDateTime,
            SigningCredentials = new SigningCredentials(KeyFrom(options.SigningKey), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }
}
