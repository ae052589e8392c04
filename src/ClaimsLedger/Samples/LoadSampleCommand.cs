using ClaimsLedger.Infrastructure.Auth;
using JasperFx;
using JasperFx.CommandLine;

namespace ClaimsLedger.Samples;

public sealed class LoadSampleInput : NetCoreInput
{
    [Description("The sample file to load.")]
    public string File { get; set; } = "samples/libya-2016.json";

    [Description("Base URL of the running service.")]
    public string UrlFlag { get; set; } = "http://127.0.0.1:5080";
}

[Description("Load a sample data set into a running service through its HTTP API (idempotent: loading twice adds nothing).", Name = "load-sample")]
public sealed class LoadSampleCommand : JasperFxAsyncCommand<LoadSampleInput>
{
    public override async Task<bool> Execute(LoadSampleInput input)
    {
        using var host = input.BuildHost();
        var tokens = host.Services.GetRequiredService<DevTokens>();
        var set = await SampleLoader.ReadAsync(input.File, CancellationToken.None);
        using var client = new HttpClient { BaseAddress = new Uri(input.UrlFlag), Timeout = TimeSpan.FromSeconds(30) };
        var loader = new SampleLoader(client, role => tokens.Mint($"sample-loader-{role}", [role], TimeSpan.FromMinutes(10)),
            Path.GetFileNameWithoutExtension(input.File), line => Console.WriteLine($"  {line}"));

        Console.WriteLine($"Loading {input.File} into {input.UrlFlag}");
        var result = await loader.LoadAsync(set, CancellationToken.None);
        Console.WriteLine($"Loaded: {result.Created} resources created, {result.Changed} changes applied (0 and 0 when it was already loaded).");
        foreach (var organization in set.Organizations)
        {
            foreach (var topic in set.Topics)
            {
                Console.WriteLine($"  Position of {organization.Name} on \"{topic.Title}\": " +
                                  $"{input.UrlFlag}/api/positions/organizations/{result.Ids[organization.Ref]}/topics/{result.Ids[topic.Ref]}");
                Console.WriteLine($"    on the dashboard: {input.UrlFlag}/#/timeline/organizations/{result.Ids[organization.Ref]}/{result.Ids[topic.Ref]}");
            }
        }

        return true;
    }
}
