using System.Text;
using System.Text.Json;
using ClaimsLedger.Infrastructure;
using ClaimsLedger.Positions;
using Marten;
using Npgsql;

namespace ClaimsLedger.Feed;

/// <summary>
/// Hands each <see cref="PositionChanged"/> to every node's live feed. The History projection runs on one node of the
/// cluster, and publishes there; its subscribers may be connected to any node. So the change goes out as a PostgreSQL
/// NOTIFY on a channel of the schema's own (payload: the change in the API's JSON), and <see cref="FeedListener"/>, on
/// every node (this one included), LISTENs on it and publishes into its <see cref="LiveFeed"/>. PostgreSQL delivers a
/// session's notifications in the order their transactions committed, and the changes are sent one at a time from a
/// sequential queue, so each node's subscribers see one publisher's changes in the order they were committed.
/// Like the feed itself this is best-effort live: a node that is not listening at that moment (its database
/// connection just broke) misses the change, and clients re-read the timelines when they reconnect.
/// </summary>
public sealed partial class FeedFanOut
{
    /// <summary>PostgreSQL refuses a NOTIFY payload of 8000 bytes or more.</summary>
    public const int MaxPayloadBytes = 7999;

    public static readonly JsonSerializerOptions Json = CreateJson();

    private readonly IDocumentStore _store;
    private readonly LiveFeed _feed;
    private readonly ILogger<FeedFanOut> _logger;

    public FeedFanOut(IConfiguration configuration, IDocumentStore store, LiveFeed feed, ILogger<FeedFanOut> logger)
    {
        // Notifications go through the store's own pool (and its connect and command timeouts), not a second one.
        _store = store;
        _feed = feed;
        _logger = logger;
        Channel = ChannelFor(configuration[Storage.SchemaKey] ?? "claimsledger");
    }

    /// <summary>The NOTIFY channel: one per schema, so deployments sharing a database never hear each other.</summary>
    public string Channel { get; }

    public static string ChannelFor(string schema)
    {
        var name = $"{schema}_position_changed";
        // A channel is an identifier: PostgreSQL keeps its first 63 bytes (schema names are ASCII).
        return name.Length > 63 ? name[..63] : name;
    }

    public static string Payload(PositionChanged change) => JsonSerializer.Serialize(change, Json);

    /// <summary>Sends the change to every node's feed; one too large for a notification reaches this node's only.</summary>
    public async Task NotifyAsync(PositionChanged change, CancellationToken cancellation)
    {
        var payload = Payload(change);
        if (Encoding.UTF8.GetByteCount(payload) > MaxPayloadBytes)
        {
            // Cannot happen within the validators' lengths (a test checks the largest change), but a NOTIFY that
            // fails would fail the message: keep it on this node rather than lose it everywhere.
            LogOversize(_logger, change.StatementId, Encoding.UTF8.GetByteCount(payload));
            _feed.Publish(change);
            return;
        }

        await using var connection = _store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellation);
        await using var command = new NpgsqlCommand("select pg_notify($1, $2)", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = Channel });
        command.Parameters.Add(new NpgsqlParameter { Value = payload });
        await command.ExecuteNonQueryAsync(cancellation);
    }

    /// <summary>A notification heard on the channel: the change, or null for one this version cannot read.</summary>
    public PositionChanged? Read(string payload)
    {
        try
        {
            return JsonSerializer.Deserialize<PositionChanged>(payload, Json);
        }
        catch (JsonException exception)
        {
            LogUnreadable(_logger, exception);
            return null;
        }
    }


    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Storage.Configure(options);
        return options;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Position change of statement {StatementId} is {Bytes} bytes, too large for NOTIFY: published on this node only")]
    private static partial void LogOversize(ILogger logger, Guid statementId, int bytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a position change notification that could not be read")]
    private static partial void LogUnreadable(ILogger logger, Exception exception);
}

/// <summary>
/// On every node: LISTENs on the feed's channel over a connection of its own and publishes what it hears into this
/// node's <see cref="LiveFeed"/>. When the connection breaks (the database restarted, failed over, or dropped it), it
/// connects again, waiting 0.25 s, then twice as long each time up to 10 s, and back to 0.25 s once it listens again.
/// The service's start waits (up to 30 s) for the first LISTEN, so a change committed once the service answers is heard.
/// </summary>
public sealed partial class FeedListener(FeedFanOut fanOut, LiveFeed feed, IConfiguration configuration, ILogger<FeedListener> logger) : BackgroundService
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(10);

    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the listener first listens.</summary>
    public Task Listening => _listening.Task;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await base.StartAsync(cancellationToken);
        await Task.WhenAny(Listening, Task.Delay(TimeSpan.FromSeconds(30), cancellationToken));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var connection = new NpgsqlConnectionStringBuilder(Storage.ConnectionString(configuration))
        {
            // A connection of its own, never returned to a pool with a LISTEN on it; the keepalive notices a
            // database that went away while the connection was idle.
            Pooling = false,
            KeepAlive = 10,
        }.ConnectionString;
        var retry = FirstRetry;
        var broken = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var listener = new NpgsqlConnection(connection);
                await listener.OpenAsync(stoppingToken);
                listener.Notification += (_, notification) =>
                {
                    if (fanOut.Read(notification.Payload) is { } change)
                    {
                        feed.Publish(change);
                    }
                };
                await using (var listen = new NpgsqlCommand($"LISTEN \"{fanOut.Channel.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", listener))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                if (broken)
                {
                    LogListeningAgain(logger, fanOut.Channel);
                }

                broken = false;
                retry = FirstRetry;
                _listening.TrySetResult();
                while (true)
                {
                    await listener.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is NpgsqlException or IOException or System.Net.Sockets.SocketException or TimeoutException
                                                  or InvalidOperationException)
            {
                broken = true;
                LogBroken(logger, exception, retry.TotalSeconds);
                try
                {
                    await Task.Delay(retry, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                retry = retry * 2 > LongestRetry ? LongestRetry : retry * 2;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live feed lost its database connection; listening again in {Seconds} s")]
    private static partial void LogBroken(ILogger logger, Exception exception, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Live feed listening again on {Channel}")]
    private static partial void LogListeningAgain(ILogger logger, string channel);
}
