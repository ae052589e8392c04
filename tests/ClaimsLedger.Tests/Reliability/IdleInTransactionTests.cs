using System.Diagnostics;
using Alba;
using ClaimsLedger.Infrastructure;
using ClaimsLedger.Infrastructure.Http;
using ClaimsLedger.Projections;
using ClaimsLedger.Statements;
using ClaimsLedger.Statements.GettingDetails;
using ClaimsLedger.Statements.History;
using ClaimsLedger.Statements.Recording;
using ClaimsLedger.Tests.Ledger;
using ClaimsLedger.Tests.Support;
using Marten;
using Marten.Services;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;
using Xunit.Abstractions;

namespace ClaimsLedger.Tests.Reliability;

/// <summary>
/// An append left idle in its transaction, the way a stuck request or a leaked session would leave it:
/// the async daemon holds every view before its sequence number (nothing committed is ever skipped),
/// the status reports the stall within its threshold, and the views move on when the transaction
/// commits, or when PostgreSQL ends the session after the service's idle-in-transaction timeout.
/// </summary>
public sealed class IdleInTransactionTests(ITestOutputHelper output)
{
    private static readonly TimeSpan StallThreshold = TimeSpan.FromSeconds(1);

    /// <summary>How long past the threshold the alert may take: the monitor's reading interval, and a loaded CI machine.</summary>
    private static readonly TimeSpan AlertAllowance = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task An_append_idle_in_its_transaction_holds_the_views_with_an_alert_and_once_committed_nothing_was_skipped()
    {
        // The bound is far beyond the test here: this transaction must live until the test commits it.
        await using var host = await StartAsync("t_idle_commit", idleInTransactionTimeout: "00:02:00");
        var app = new App(host);
        var speaker = await app.Given.SpeakerAsync("Peter Cook", await app.Given.OrganizationAsync());
        var first = await app.Given.StatementAsync(speaker, "We are looking at military options", "2016-01-22");
        await app.Given.ProjectionsCaughtUpAsync();
        (await app.HistoryAsync(first)).ShouldNotBeNull("the async views work before the idle append");

        var appendedAt = DateTimeOffset.UtcNow;
        await using var idle = await IdleAppend.StartAsync(app, speaker, "We want to be prepared");
        var later = new[]
        {
            await app.Given.StatementAsync(speaker, "No decision has been made", "2016-01-28"),
            await app.Given.StatementAsync(speaker, "We are preparing options", "2016-01-29"),
        };

        var stalled = await app.StatusUntilAsync(status => status.Stalled, StallThreshold + AlertAllowance, "the stall to be reported");
        var seen = DateTimeOffset.UtcNow;
        output.WriteLine($"Idle append at sequence {idle.Sequence}; stall reported {seen - appendedAt} after it: {Describe(stalled)}");
        stalled.HighWaterMark.ShouldBe(idle.Sequence - 1, "the mark holds right before the open transaction's sequence");
        stalled.HeldGap.ShouldBe(idle.Sequence);
        stalled.LastSequence.ShouldBeGreaterThan(idle.Sequence, "the later statements are committed above the gap");
        stalled.StalledSince.ShouldNotBeNull().ShouldBeGreaterThanOrEqualTo(appendedAt);
        (seen - stalled.StalledSince!.Value).ShouldBeGreaterThanOrEqualTo(StallThreshold, "a hold shorter than the threshold is no stall");

        // Held, not skipped, however long it stays open: past the point where the daemon would skip a gap
        // no live transaction could fill (its stale threshold), the mark still waits, and no async view has
        // read past the gap.
        var holdUntil = appendedAt + (2 * ((StoreOptions)app.Store.Options).Projections.StaleSequenceThreshold) + TimeSpan.FromSeconds(1);
        while (DateTimeOffset.UtcNow < holdUntil)
        {
            var held = await app.StatusAsync();
            held.HighWaterMark.ShouldBe(idle.Sequence - 1, $"the mark stays before the open transaction's sequence: {Describe(held)}");
            held.Stalled.ShouldBeTrue();
            held.Projections.Where(view => view.Lifecycle == "async").ShouldAllBe(view => view.Sequence < idle.Sequence);
            await Task.Delay(250);
        }

        foreach (var statement in later)
        {
            (await app.HistoryAsync(statement)).ShouldBeNull();
            (await app.Given.StatementDetailsAsync(statement)).Id.ShouldBe(statement, "the inline view, updated in its own committed transaction, has it");
        }

        (await app.KnownNowAsync(speaker)).ShouldBe([first]);

        await idle.CommitAsync();
        await app.Given.ProjectionsCaughtUpAsync();

        foreach (var statement in later.Prepend(idle.StatementId).Prepend(first))
        {
            (await app.HistoryAsync(statement)).ShouldNotBeNull($"statement {statement} is projected");
        }

        (await app.KnownNowAsync(speaker)).ShouldBe([first, idle.StatementId, .. later], ignoreOrder: true);
        var after = await app.StatusAsync();
        after.HighWaterMark.ShouldBeGreaterThanOrEqualTo(await app.CommittedHeadAsync());
        after.Stalled.ShouldBeFalse();
        after.StalledSince.ShouldBeNull();
        after.HeldGap.ShouldBeNull();
    }

    [Fact]
    public async Task An_append_abandoned_idle_in_its_transaction_is_ended_by_PostgreSQL_and_the_views_move_past_its_dead_gap()
    {
        // Long enough for the alert to be seen first (threshold and reading interval), short enough for a test.
        await using var host = await StartAsync("t_idle_abandon", idleInTransactionTimeout: "00:00:04");
        var app = new App(host);
        var speaker = await app.Given.SpeakerAsync("Peter Cook", await app.Given.OrganizationAsync());
        var first = await app.Given.StatementAsync(speaker, "We are looking at military options", "2016-01-22");
        await app.Given.ProjectionsCaughtUpAsync();

        await using var idle = await IdleAppend.StartAsync(app, speaker, "We want to be prepared");
        idle.IdleTimeout.ShouldBe("4s", "the idle session was opened with the service's own connection settings");
        var later = new[]
        {
            await app.Given.StatementAsync(speaker, "No decision has been made", "2016-01-28"),
            await app.Given.StatementAsync(speaker, "We are preparing options", "2016-01-29"),
        };

        var stalled = await app.StatusUntilAsync(status => status.Stalled || status.HighWaterMark >= idle.Sequence,
            StallThreshold + AlertAllowance, "the stall to be reported, or the hold to end");
        output.WriteLine($"Abandoned append at sequence {idle.Sequence}: {Describe(stalled)}");
        stalled.Stalled.ShouldBeTrue("the alert is raised while the abandoned transaction holds the views");
        stalled.HeldGap.ShouldBe(idle.Sequence);

        // Nobody commits: PostgreSQL ends the session after the timeout, and the daemon proves the gap dead.
        var waited = Stopwatch.StartNew();
        await app.Given.ProjectionsCaughtUpAsync();
        output.WriteLine($"Caught up {waited.Elapsed} after the stall was seen");
        (await idle.IsAliveAsync()).ShouldBeFalse("PostgreSQL ended the idle session");
        var error = await Should.ThrowAsync<NpgsqlException>(idle.CommitAsync());
        output.WriteLine($"Committing the abandoned transaction: {error.Message}");

        var after = await app.StatusAsync();
        after.HighWaterMark.ShouldBeGreaterThanOrEqualTo(await app.CommittedHeadAsync(), "the views moved past the dead gap to the last committed event");
        after.HighWaterMark.ShouldBeGreaterThan(idle.Sequence);
        after.Stalled.ShouldBeFalse();
        after.HeldGap.ShouldBeNull();

        (await app.EventCountAsync(idle.StatementId)).ShouldBe(0, "the abandoned event is not in the log");
        (await app.StatusCodeAsync($"/api/statements/{idle.StatementId}")).ShouldBe(404);
        foreach (var statement in later.Prepend(first))
        {
            (await app.HistoryAsync(statement)).ShouldNotBeNull($"committed statement {statement} is projected, not skipped");
        }

        (await app.KnownNowAsync(speaker)).ShouldBe([first, .. later], ignoreOrder: true);
    }

    private static string Describe(ProjectionsStatus status) =>
        $"last sequence {status.LastSequence}, high-water mark {status.HighWaterMark}, stalled {status.Stalled} " +
        $"(since {status.StalledSince:O}, held gap {status.HeldGap}), async views at " +
        string.Join(", ", status.Projections.Where(view => view.Lifecycle == "async").Select(view => $"{view.Name} {view.Sequence}"));

    private static Task<IAlbaHost> StartAsync(string prefix, string idleInTransactionTimeout) =>
        AppFixture.StartAsync($"{prefix}_{Guid.NewGuid():N}"[..28], settings: new Dictionary<string, string>
        {
            ["Database:IdleInTransactionTimeout"] = idleInTransactionTimeout,
            ["Projections:StallThreshold"] = StallThreshold.ToString(),
        });

    /// <summary>The service under test, read the way its users and operators read it.</summary>
    private sealed class App(IAlbaHost host)
    {
        private readonly HostedFixture _fixture = new(host);

        public Scenarios Given => new(_fixture);

        public IDocumentStore Store => host.Services.GetRequiredService<IDocumentStore>();

        public LedgerClock Clock => host.Services.GetRequiredService<LedgerClock>();

        private string Schema => Store.Options.Events.DatabaseSchemaName;

        public Task<ProjectionsStatus> StatusAsync() => host.GetJsonAsync<ProjectionsStatus>("/api/projections", _fixture.TokenFor("reader"));

        /// <summary>Polls the status until <paramref name="done"/>, failing past <paramref name="within"/>.</summary>
        public async Task<ProjectionsStatus> StatusUntilAsync(Func<ProjectionsStatus, bool> done, TimeSpan within, string what)
        {
            var deadline = Stopwatch.StartNew();
            while (true)
            {
                var status = await StatusAsync();
                if (done(status))
                {
                    return status;
                }

                if (deadline.Elapsed > within)
                {
                    throw new TimeoutException($"Waited {within} for {what}; last status: {Describe(status)}");
                }

                await Task.Delay(100);
            }
        }

        public async Task<StatementHistory?> HistoryAsync(Guid statement)
        {
            await using var session = Store.QuerySession();
            return await session.LoadAsync<StatementHistory>(statement);
        }

        /// <summary>The speaker's statements as recorded by now, from the async statement revisions.</summary>
        public async Task<IReadOnlyList<Guid>> KnownNowAsync(Guid speaker)
        {
            var knownAt = Uri.EscapeDataString(DateTimeOffset.UtcNow.ToString("O"));
            var page = await host.GetJsonAsync<Page<StatementDetails>>($"/api/statements?speakerId={speaker}&knownAt={knownAt}&limit=50", _fixture.TokenFor("reader"));
            return [.. page.Items.Select(statement => statement.Id)];
        }

        public async Task<int> StatusCodeAsync(string url)
        {
            var result = await host.Scenario(s =>
            {
                s.WithBearerToken(_fixture.TokenFor("reader"));
                s.Get.Url(url);
                s.IgnoreStatusCode();
            });
            return result.Context.Response.StatusCode;
        }

        public Task<long> CommittedHeadAsync() => ScalarAsync($"select coalesce(max(seq_id), 0) from {Schema}.mt_events", null);

        public Task<long> EventCountAsync(Guid stream) => ScalarAsync($"select count(*) from {Schema}.mt_events where stream_id = @stream", stream);

        private static async Task<long> ScalarAsync(string sql, Guid? stream)
        {
            await using var connection = new NpgsqlConnection(AppFixture.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            if (stream is { } id)
            {
                command.Parameters.AddWithValue("stream", id);
            }

            return (long)(await command.ExecuteScalarAsync())!;
        }
    }

    /// <summary>
    /// A statement appended the way the service appends it (its own validation and Decide, a Marten
    /// session on the service's data source), saved inside a transaction that is then left idle.
    /// </summary>
    private sealed class IdleAppend : IAsyncDisposable
    {
        private readonly NpgsqlConnection _connection;
        private readonly NpgsqlTransaction _transaction;
        private readonly IDocumentSession _session;
        private readonly App _app;

        private IdleAppend(App app, NpgsqlConnection connection, NpgsqlTransaction transaction, IDocumentSession session, Guid statementId)
        {
            (_app, _connection, _transaction, _session, StatementId) = (app, connection, transaction, session, statementId);
        }

        public Guid StatementId { get; }

        public long Sequence { get; private set; }

        /// <summary>The session's idle_in_transaction_session_timeout, as PostgreSQL reports it.</summary>
        public string IdleTimeout { get; private set; } = "";

        private int ProcessId { get; set; }

        public static async Task<IdleAppend> StartAsync(App app, Guid speaker, string quote)
        {
            var command = new RecordStatement(speaker, null, quote, QuoteKind.Partial, "2016-01-27", [],
                new SourceInput("i-HLS", "https://i-hls.com/archives/68094"));
            RecordStatementEndpoint.Validate(command, app.Clock).ShouldBe(Problems.None);
            RecordingReferences references;
            await using (var query = app.Store.LightweightSession())
            {
                references = await RecordStatementEndpoint.LoadAsync(command, query, CancellationToken.None);
            }

            RecordStatementEndpoint.Validate(command, references).ShouldBe(Problems.None);
            var statementId = Guid.NewGuid();
            var recorded = RecordStatementEndpoint.Decide(command, references, statementId);

            // The service's own data source, so the service's session settings apply to it.
            var connection = app.Store.Storage.Database.CreateConnection();
            await connection.OpenAsync();
            var transaction = await connection.BeginTransactionAsync();
            var session = app.Store.LightweightSession(SessionOptions.ForTransaction(transaction));
            session.LastModifiedBy = "idle-transaction-test";
            session.CorrelationId = $"idle-{statementId:N}";
            session.Events.StartStream<Statement>(statementId, recorded);
            await session.SaveChangesAsync();

            var append = new IdleAppend(app, connection, transaction, session, statementId) { ProcessId = connection.ProcessID };
            await using (var read = new NpgsqlCommand(
                $"select seq_id from {app.Store.Options.Events.DatabaseSchemaName}.mt_events where stream_id = @stream; show idle_in_transaction_session_timeout",
                connection, transaction))
            {
                read.Parameters.AddWithValue("stream", statementId);
                await using var reader = await read.ExecuteReaderAsync();
                (await reader.ReadAsync()).ShouldBeTrue("the open transaction sees its own event");
                append.Sequence = reader.GetInt64(0);
                await reader.NextResultAsync();
                await reader.ReadAsync();
                append.IdleTimeout = reader.GetString(0);
            }

            // From here on the session says nothing: it sits idle in its transaction.
            return append;
        }

        public Task CommitAsync() => _transaction.CommitAsync();

        /// <summary>Whether the session's backend still exists, seen from another connection of the service's role.</summary>
        public async Task<bool> IsAliveAsync()
        {
            await using var connection = _app.Store.Storage.Database.CreateConnection();
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("select exists (select 1 from pg_stat_activity where pid = @pid)", connection);
            command.Parameters.AddWithValue("pid", ProcessId);
            return (bool)(await command.ExecuteScalarAsync())!;
        }

        public async ValueTask DisposeAsync()
        {
            await _session.DisposeAsync();
            await _transaction.DisposeAsync();
            await _connection.DisposeAsync();
        }
    }
}
