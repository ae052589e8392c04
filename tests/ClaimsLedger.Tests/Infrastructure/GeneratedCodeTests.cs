using System.Diagnostics;
using ClaimsLedger.Tests.Faults;
using ClaimsLedger.Tests.Support;
using Shouldly;

namespace ClaimsLedger.Tests.Infrastructure;

/// <summary>
/// Production runs the handler and endpoint code committed under src/ClaimsLedger/Internal/Generated, not code
/// compiled from the handlers at start-up. This regenerates it, as ops/codegen does, into a scratch directory
/// and fails on any difference, so a handler change cannot ship with the code of the handler before it.
/// </summary>
public sealed class GeneratedCodeTests : IDisposable
{
    private const string Regenerate = "Run ops/codegen and commit src/ClaimsLedger/Internal/Generated.";

    private readonly DirectoryInfo _scratch = Directory.CreateTempSubdirectory("claimsledger-codegen-");

    [Fact]
    public async Task Committed_generated_code_is_what_the_handlers_generate_now()
    {
        var fresh = await GenerateAsync();
        var committed = RepositoryFiles.Path("src", "ClaimsLedger", "Internal", "Generated");
        Directory.Exists(committed).ShouldBeTrue($"No generated code is committed at {committed}. {Regenerate}");

        var expected = Files(fresh);
        var actual = Files(committed);
        var missing = expected.Keys.Except(actual.Keys).Order().ToList();
        var obsolete = actual.Keys.Except(expected.Keys).Order().ToList();
        var changed = expected.Keys.Intersect(actual.Keys).Where(file => expected[file] != actual[file]).Order().ToList();
        var problems = new List<string>();
        problems.AddRange(missing.Select(file => $"missing: {file}"));
        problems.AddRange(obsolete.Select(file => $"no longer generated: {file}"));
        problems.AddRange(changed.Select(file => $"differs: {file}"));

        problems.ShouldBeEmpty($"The generated code under src/ClaimsLedger/Internal/Generated is stale. {Regenerate}");
    }

    /// <summary>`codegen write` from the built service, with the scratch directory as its content root.</summary>
    private async Task<string> GenerateAsync()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _scratch.FullName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(ServiceProcess.AppDirectory, "ClaimsLedger.dll"));
        start.ArgumentList.Add("codegen");
        start.ArgumentList.Add("write");
        // As ops/codegen runs it: Development scans for handlers; the connection string is never opened.
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["CLAIMSLEDGER_DB"] = "Host=127.0.0.1;Database=codegen-opens-no-connection";
        start.Environment["DOTNET_NOLOGO"] = "1";

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start dotnet.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(limit.Token);
        process.ExitCode.ShouldBe(0, $"codegen write failed:\n{await output}\n{await error}");
        return Path.Combine(_scratch.FullName, "Internal", "Generated");
    }

    /// <summary>Relative path to contents, line endings normalised (a checkout may convert them).</summary>
    private static Dictionary<string, string> Files(string root) =>
        Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories).ToDictionary(
            file => Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/'),
            file => File.ReadAllText(file).ReplaceLineEndings("\n"),
            StringComparer.Ordinal);

    public void Dispose() => _scratch.Delete(recursive: true);
}
