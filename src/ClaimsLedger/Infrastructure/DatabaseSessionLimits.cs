using System.Globalization;
using Npgsql;

namespace ClaimsLedger.Infrastructure;

/// <summary>
/// Bounds on the service's own PostgreSQL sessions, set on every connection it opens through the
/// connection string's <c>Options</c> (PostgreSQL's startup options).
/// </summary>
/// <remarks>
/// An append that sits idle inside its transaction holds every async projection behind its sequence
/// number: Marten's high-water detection never skips a gap a live transaction could still fill (a
/// ledger must not lose an event), so the gap is held until the transaction ends.
/// <c>idle_in_transaction_session_timeout</c> makes PostgreSQL end such a session (rolling back its
/// transaction) after <see cref="IdleInTransactionTimeoutKey"/>, after which the daemon steps over the
/// dead gap. Nothing of the service's holds a transaction open between statements for long: the
/// daemon's leadership lock is session-scoped for this reason (see <c>Storage</c>), as are Wolverine's.
/// </remarks>
public static class DatabaseSessionLimits
{
    /// <summary>How long a session may sit idle inside a transaction; 0 leaves PostgreSQL's own setting in force.</summary>
    public const string IdleInTransactionTimeoutKey = "Database:IdleInTransactionTimeout";

    public static readonly TimeSpan DefaultIdleInTransactionTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Below this, the pause between two statements of an ordinary transaction (a network round trip,
    /// a projection batch being built) could already end it.
    /// </summary>
    public static readonly TimeSpan MinimumIdleInTransactionTimeout = TimeSpan.FromSeconds(1);

    /// <summary>PostgreSQL keeps the setting in milliseconds in a 32-bit integer.</summary>
    public static readonly TimeSpan MaximumIdleInTransactionTimeout = TimeSpan.FromMilliseconds(int.MaxValue);

    private const string Setting = "idle_in_transaction_session_timeout";

    /// <summary>The configured timeout, validated; <see cref="TimeSpan.Zero"/> when the service should not set one.</summary>
    public static TimeSpan IdleInTransactionTimeout(IConfiguration configuration)
    {
        var text = configuration[IdleInTransactionTimeoutKey];
        if (string.IsNullOrWhiteSpace(text))
        {
            return DefaultIdleInTransactionTimeout;
        }

        if (!TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var timeout)
            || (timeout != TimeSpan.Zero && (timeout < MinimumIdleInTransactionTimeout || timeout > MaximumIdleInTransactionTimeout))
            || timeout.Ticks % TimeSpan.TicksPerMillisecond != 0)
        {
            throw new InvalidOperationException(
                $"{IdleInTransactionTimeoutKey} '{text}' is not a valid timeout: give a time span (\"00:00:30\") of whole milliseconds " +
                $"from {MinimumIdleInTransactionTimeout} to {MaximumIdleInTransactionTimeout}, or 0 to leave PostgreSQL's own setting in force.");
        }

        return timeout;
    }

    /// <summary>
    /// The connection string with the session limits added to its <c>Options</c>, after any the
    /// operator set there. The timeout is set in one place: a connection string that already sets it is refused.
    /// <c>synchronous_commit</c> is turned on unless the operator's Options name it: with it off, PostgreSQL
    /// acknowledges a commit before its WAL leaves memory, and a crash of the database alone loses statements
    /// the service has already answered 201 for (the fault tests found exactly that).
    /// </summary>
    public static string Apply(string connectionString, IConfiguration configuration)
    {
        var timeout = IdleInTransactionTimeout(configuration);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var options = builder.Options ?? "";
        if (timeout != TimeSpan.Zero && options.Contains(Setting, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"The connection string's Options already set {Setting}: set it through {IdleInTransactionTimeoutKey} only " +
                "(0 there leaves the connection string's, or PostgreSQL's, setting in force).");
        }

        var limits = new List<string>();
        if (!string.IsNullOrWhiteSpace(options))
        {
            limits.Add(options);
        }

        if (!options.Contains(DurableCommit, StringComparison.OrdinalIgnoreCase))
        {
            limits.Add($"-c {DurableCommit}=on");
        }

        if (timeout != TimeSpan.Zero)
        {
            limits.Add($"-c {Setting}={(long)timeout.TotalMilliseconds}");
        }

        builder.Options = string.Join(' ', limits);
        return builder.ConnectionString;
    }

    private const string DurableCommit = "synchronous_commit";
}
