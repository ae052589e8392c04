using ClaimsLedger.Infrastructure.Auth;

namespace ClaimsLedger.Tests.Support;

/// <summary>Mints tokens with an arbitrary key, to prove a token signed by anyone else is refused.</summary>
public sealed class AppFixtureTokens(string base64Key)
{
    public string Mint(params string[] roles) =>
        new DevTokens(new AuthOptions { SigningKey = base64Key }, TimeProvider.System).Mint("intruder", roles, TimeSpan.FromHours(1));
}
