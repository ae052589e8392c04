using System.Net;
using Alba;
using ClaimsLedger.Auditing;
using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Statements.CorrectingQuotes;
using ClaimsLedger.Tests.Ledger;
using ClaimsLedger.Tests.Support;
using Marten;
using Marten.Events;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;

namespace ClaimsLedger.Tests.Reliability;

/// <summary>
/// Many writers racing on one stream: one winner per expected version, the rest 409; and the sequence
/// numbers the losers burnt leave gaps the async daemon must step over: its high-water mark reaches the
/// last event.
/// </summary>
public sealed class ConcurrentWritersTests : IAsyncLifetime
{
    private const int Writers = 8;
    private const int Rounds = 6;
    private readonly string _schema = $"t_race_{Guid.NewGuid():N}"[..24];
    private IAlbaHost _host = null!;

    public async Task InitializeAsync() => _host = await AppFixture.StartAsync(_schema);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Each_version_has_exactly_one_winner_and_the_daemon_steps_over_the_gaps_the_losers_leave()
    {
        var given = new Scenarios(new HostedFixture(_host));
        var speaker = await given.SpeakerAsync("Peter Cook", await given.OrganizationAsync());
        var statement = await given.StatementAsync(speaker, "round 0", "2016-01-27");
        var editor = _host.Services.GetRequiredService<DevTokens>().Mint("racing-editor", [Roles.Editor], TimeSpan.FromMinutes(10));

        for (var round = 1; round <= Rounds; round++)
        {
            var version = round;
            var statuses = await Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
            {
                var result = await _host.Scenario(s =>
                {
                    s.WithBearerToken(editor);
                    s.Post.Json(new CorrectQuote($"round {version} by writer {writer}", null, "race", version)).ToUrl($"/api/statements/{statement}/quote-corrections");
                    s.IgnoreStatusCode();
                });
                return (HttpStatusCode)result.Context.Response.StatusCode;
            })));

            statuses.Count(status => status == HttpStatusCode.OK).ShouldBe(1, $"round {round}: {string.Join(", ", statuses)}");
            statuses.Count(status => status == HttpStatusCode.Conflict).ShouldBe(Writers - 1, $"round {round}: {string.Join(", ", statuses)}");
        }

        var store = _host.Services.GetRequiredService<IDocumentStore>();
        await using (var session = store.QuerySession())
        {
            (await session.Events.FetchStreamAsync(statement)).Count.ShouldBe(Rounds + 1);
        }

        await store.WaitForNonStaleProjectionDataAsync(AppFixture.ProjectionCatchUp);
        await using var connection = new NpgsqlConnection(AppFixture.ConnectionString);
        await connection.OpenAsync();
        await using var last = new NpgsqlCommand($"select max(seq_id) from {_schema}.mt_events", connection);
        var lastSequence = (long)(await last.ExecuteScalarAsync())!;
        // The losers' sequence numbers after the last event are gaps too: the mark passes them, it never stops short.
        (await _host.Services.GetRequiredService<EventLog>().HighWaterMarkAsync(CancellationToken.None)).ShouldBeGreaterThanOrEqualTo(lastSequence);
    }
}
