using System.Data.Common;
using System.Globalization;

namespace ClaimsLedger.Infrastructure;

/// <summary>
/// How long the service waits for PostgreSQL: to connect (Npgsql's <c>Timeout</c>) and for each command
/// (<c>Command Timeout</c>). Npgsql's own defaults (15 s and 30 s) would leave a request waiting on a dead
/// or stuck database for as long as the request's whole time limit (<c>RequestTimeouts:Default</c>, 30 s) or
/// longer. The service's defaults are shorter, so a database that is gone answers a 503 "database unavailable"
/// with Retry-After well within the request's limit: a connection attempt that gets nowhere gives up after
/// 5 s, a command that gets no answer after 10 s.
/// <para>
/// An operator's connection string that names either keyword keeps its value; otherwise the settings
/// <c>Database:ConnectTimeout</c> and <c>Database:CommandTimeout</c> (seconds; 0 waits forever) replace
/// the defaults. Commands run outside a request (setup, import-events, verify, rebuild) use the same
/// values; give their connection string a longer <c>Command Timeout</c> for a very large database.
/// </para>
/// </summary>
public static class DatabaseTimeouts
{
    public const string ConnectTimeoutKey = "Database:ConnectTimeout";
    public const string CommandTimeoutKey = "Database:CommandTimeout";

    /// <summary>Seconds to wait for a connection to open.</summary>
    public const int DefaultConnectSeconds = 5;

    /// <summary>Seconds to wait for a command's answer (per call: a long result read row by row is not cut short).</summary>
    public const int DefaultCommandSeconds = 10;

    /// <summary>
    /// <paramref name="connectionString"/> with the service's connect and command timeouts added, unless it
    /// names them itself. The operator's text is kept as it is; the timeouts are appended.
    /// </summary>
    public static string Apply(string connectionString, IConfiguration configuration)
    {
        var named = NamedKeys(connectionString);
        var added = new List<string>();
        if (!named.Contains("TIMEOUT"))
        {
            added.Add($"Timeout={Seconds(configuration, ConnectTimeoutKey, DefaultConnectSeconds)}");
        }

        if (!named.Contains("COMMANDTIMEOUT"))
        {
            added.Add($"Command Timeout={Seconds(configuration, CommandTimeoutKey, DefaultCommandSeconds)}");
        }

        return added.Count == 0 ? connectionString : string.Join(';', [connectionString.TrimEnd().TrimEnd(';'), .. added]);
    }

    /// <summary>
    /// The keywords an operator's connection string names, spaces dropped and upper-cased ("Command Timeout" and
    /// "commandtimeout" alike read COMMANDTIMEOUT), so a default is added only where the operator said nothing.
    /// </summary>
    public static IReadOnlySet<string> NamedKeys(string connectionString) =>
        new DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Select(key => key.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant())
            .ToHashSet();

    private static string Seconds(IConfiguration configuration, string key, int fallback)
    {
        var seconds = configuration.GetValue(key, fallback);
        return seconds >= 0
            ? seconds.ToString(CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"{key} is a number of seconds, 0 or more (0 waits forever); it is {seconds}.");
    }
}
