using System.ComponentModel.DataAnnotations;

namespace ClaimsLedger.Infrastructure.Auth;

/// <summary>
/// How bearer tokens are validated. In production point <see cref="Authority"/> at your
/// OpenID Connect provider; for local use and tests a symmetric <see cref="SigningKey"/>
/// lets the service mint its own development tokens (<c>dev-tokens</c> command).
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>OpenID Connect authority (issuer URL). When set, keys come from its metadata.</summary>
    public string? Authority { get; set; }

    /// <summary>Base64 HMAC-SHA256 key (at least 32 bytes) for locally minted tokens.</summary>
    public string? SigningKey { get; set; }

    [Required]
    public string Issuer { get; set; } = "claimsledger-dev";

    [Required]
    public string Audience { get; set; } = "claimsledger";

    /// <summary>The claim that carries roles in tokens from your provider.</summary>
    public string RoleClaimType { get; set; } = "role";
}
