using ClaimsLedger.Auditing;
using ClaimsLedger.Feed;
using ClaimsLedger.Ledger;
using ClaimsLedger.Infrastructure;
using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using JasperFx;
using JasperFx.CodeGeneration;
using Wolverine;
using Wolverine.Http;

if (ClaimsLedger.Ingestion.ExtractCli.Handles(args))
{
    // Pure computation over a file: no host, and nothing on standard output but the JSON.
    return await ClaimsLedger.Ingestion.ExtractCli.RunAsync(args, Console.Out, Console.Error);
}

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddClaimsLedgerAuthentication();
builder.Services.AddClaimsLedgerHttp();
builder.Services.AddClaimsLedgerStorage(builder.Configuration);
builder.Services.AddAuditing();
builder.Services.AddLedger();
builder.Services.AddLiveFeed();
builder.Services.AddOptions<ClaimsLedger.Claims.ClaimReviews.NewsroomOptions>()
    .BindConfiguration(ClaimsLedger.Claims.ClaimReviews.NewsroomOptions.Section).ValidateDataAnnotations().ValidateOnStart();
// Wolverine's handler and endpoint code is generated ahead of time and committed under Internal/Generated
// (ops/codegen rewrites it; GeneratedCodeTests fails while it is stale), so a start compiles nothing.
// Production loads only that code and refuses to start without it. Development (ops/run, test hosts) loads
// it too, and compiles at run time only a handler added since the last ops/codegen.
// ClaimsLedger:CompileHandlersAtStart=true compiles everything at start-up instead, as before: bench figure 7's floor.
var compileHandlersAtStart = builder.Configuration.GetValue<bool>("ClaimsLedger:CompileHandlersAtStart");
builder.Services.CritterStackDefaults(defaults =>
{
    defaults.Production.GeneratedCodeMode = compileHandlersAtStart ? TypeLoadMode.Dynamic : TypeLoadMode.Static;
    defaults.Production.AssertAllPreGeneratedTypesExist = !compileHandlersAtStart;
    defaults.Production.SourceCodeWritingEnabled = false;
    defaults.Development.GeneratedCodeMode = compileHandlersAtStart ? TypeLoadMode.Dynamic : TypeLoadMode.Auto;
    defaults.Development.SourceCodeWritingEnabled = false;
});
builder.Host.UseWolverine(options =>
{
    // Named, not inferred from the entry assembly, so test hosts and the bench find the endpoints too.
    options.ApplicationAssembly = typeof(Program).Assembly;
    // Message storage is created by the setup command, as the schema owner.
    options.AutoBuildMessageStorageOnStartup = JasperFx.AutoCreate.None;
    options.Policies.AutoApplyTransactions();
    options.AddLiveFeed();
    options.UseClaimsLedgerCluster(builder.Configuration);
    // Roslyn, for Development's fallback and `codegen test`; Production's Static mode never compiles.
    options.UseRuntimeCompilation();
});

var app = builder.Build();
if (OfflineCommands.Handles(args))
{
    // These commands talk to no database (or only to a running service over HTTP): skip the web pipeline.
    return await app.RunJasperFxCommands(args);
}

// The dashboard's static files, served anonymously ahead of the API pipeline (they hold no data).
app.UseClaimsLedgerDashboard();
app.UseClaimsLedgerHttp();
app.MapWolverineEndpoints(endpoints =>
{
    endpoints.RequireAuthorizeOnAll();
    endpoints.RejectUnparseableQueryValues = true;
    endpoints.MapConcurrencyFailuresToConflict();
    endpoints.AddMiddleware(typeof(RecordingMetadata), chain => chain.HttpMethods.Any(method => method != HttpMethods.Get));
    endpoints.AddMiddleware(typeof(IdempotentCreation),
        chain => chain.Method.Method.IsDefined(typeof(IdempotentCreationAttribute), inherit: false));
});
app.MapClaimsLedgerDocs();

return await app.RunJasperFxCommands(args);

/// <summary>Entry point, visible to the test host.</summary>
public partial class Program;
