namespace ClaimsLedger.Infrastructure;

/// <summary>
/// Commands that need no database connection: an auditor runs verify-proof on a laptop with nothing
/// but the files, and loading samples or minting development tokens only talks to a running service.
/// </summary>
public static class OfflineCommands
{
    private static readonly string[] Names = ["help", "?", "verify-proof", "ledger-key", "dev-tokens", "load-sample"];

    public static bool Handles(string[] args) => args.Length > 0 && Names.Contains(args[0], StringComparer.OrdinalIgnoreCase);
}
