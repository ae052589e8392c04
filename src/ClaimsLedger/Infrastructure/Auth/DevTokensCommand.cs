using JasperFx;
using JasperFx.CommandLine;

namespace ClaimsLedger.Infrastructure.Auth;

public sealed class DevTokensInput : NetCoreInput
{
    [Description("How long the tokens stay valid, in hours.")]
    public int HoursFlag { get; set; } = 12;

    [Description("Also write the variables to this file (for `source`).")]
    public string? OutFlag { get; set; }
}

[Description("Print a development bearer token for each role (needs Auth:SigningKey), as shell variables.", Name = "dev-tokens")]
public sealed class DevTokensCommand : JasperFxAsyncCommand<DevTokensInput>
{
    public override Task<bool> Execute(DevTokensInput input)
    {
        using var host = input.BuildHost();
        var tokens = host.Services.GetRequiredService<DevTokens>();
        var lines = Roles.All
            .Select(role => $"{role.ToUpperInvariant()}_TOKEN={tokens.Mint($"dev-{role}", [role], TimeSpan.FromHours(input.HoursFlag), $"Development {role}")}")
            .ToList();
        lines.ForEach(Console.WriteLine);
        if (input.OutFlag is not null)
        {
            File.WriteAllLines(input.OutFlag, lines);
        }

        return Task.FromResult(true);
    }
}
