namespace ClaimsLedger.Tests.Support;

/// <summary>Files of the repository, and the shared corpus that sits beside its clone.</summary>
public static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    /// <summary>shared/corpus beside the clone (CI places it there as well).</summary>
    public static string Corpus(string file)
    {
        var path = System.IO.Path.GetFullPath(System.IO.Path.Combine(Root, "..", "shared", "corpus", file));
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"The shared corpus is expected beside the repository, at {path}.", path);
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "ClaimsLedger.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("Could not find ClaimsLedger.sln above the test binaries.");
    }
}
