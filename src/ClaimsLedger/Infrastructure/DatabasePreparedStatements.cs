using System.Globalization;

namespace ClaimsLedger.Infrastructure;

/// <summary>
/// Npgsql's automatic preparation for the service's connections (<c>Max Auto Prepare</c>). Marten sends the same
/// few statements over and over (the quick-append function, each view's upsert, the daemon's fetches), and without
/// preparation PostgreSQL parses and plans every one of them again. Worse, a pooled connection is reset with
/// <c>DISCARD ALL</c> when it has nothing prepared, which also throws away the plans PL/pgSQL cached for
/// <c>mt_quick_append_events</c>, so every append re-plans the function's inner statements. With statements
/// prepared, Npgsql resets a connection without discarding plans (it still resets settings, closes cursors,
/// stops listening and releases advisory locks). Measured on an append: the function's execution fell from about
/// 0.64 ms to 0.24 ms, and its parse (0.04–0.6 ms per statement) disappeared (docs/benchmarks.md, figure 1).
/// <para>
/// An operator's connection string that names <c>Max Auto Prepare</c> keeps its value (0 turns preparation off);
/// otherwise <c>Database:MaxAutoPrepare</c> (default <see cref="DefaultMaxAutoPrepare"/>) is used.
/// </para>
/// </summary>
public static class DatabasePreparedStatements
{
    public const string MaxAutoPrepareKey = "Database:MaxAutoPrepare";

    /// <summary>
    /// Statements each connection keeps prepared. The service issues a few dozen distinct statements in steady
    /// state; Npgsql evicts the least used beyond this.
    /// </summary>
    public const int DefaultMaxAutoPrepare = 100;

    public static string Apply(string connectionString, IConfiguration configuration)
    {
        if (DatabaseTimeouts.NamedKeys(connectionString).Contains("MAXAUTOPREPARE"))
        {
            return connectionString;
        }

        var maximum = configuration.GetValue(MaxAutoPrepareKey, DefaultMaxAutoPrepare);
        if (maximum < 0)
        {
            throw new InvalidOperationException(
                string.Create(CultureInfo.InvariantCulture, $"{MaxAutoPrepareKey} is a number of statements, 0 or more (0 turns preparation off); it is {maximum}."));
        }

        return string.Create(CultureInfo.InvariantCulture, $"{connectionString.TrimEnd().TrimEnd(';')};Max Auto Prepare={maximum}");
    }
}
