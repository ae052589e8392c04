using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Tests.Support;
using Marten;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;
using Wolverine;

namespace ClaimsLedger.Tests.Reliability;

/// <summary>
/// The service on a real Kestrel listener (a TCP proxy cannot reach Alba's in-memory server), in a schema of
/// its own, as the runtime role, with a <see cref="StallingProxy"/> in front of it.
/// </summary>
public sealed class KestrelFixture : IAsyncLifetime, IDisposable
{
    private KestrelHost? _host;

    public string Schema { get; } = $"t_stall_{Guid.NewGuid():N}"[..24];

    /// <summary>Kestrel itself: a connection that never stalls.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The proxy in front of Kestrel.</summary>
    public StallingProxy Proxy { get; private set; } = null!;

    public Uri ProxyAddress => new($"http://127.0.0.1:{Proxy.Port}");

    public IDocumentStore Store => _host!.Services.GetRequiredService<IDocumentStore>();

    public string TokenFor(string user, string role) =>
        _host!.Services.GetRequiredService<DevTokens>().Mint(user, [role], TimeSpan.FromHours(1));

    public async Task InitializeAsync()
    {
        await AppFixture.SetUpSchemaAsync(Schema);
        _host = new KestrelHost(Schema);
        _host.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        _host.StartServer();
        var addresses = _host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        BaseAddress = new Uri(addresses.Addresses.First());
        Proxy = new StallingProxy(BaseAddress.Port);
    }

    public async Task DisposeAsync()
    {
        if (Proxy is not null)
        {
            await Proxy.DisposeAsync();
        }

        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    public void Dispose() => _host?.Dispose();

    /// <summary>A client of <paramref name="address"/> as <paramref name="user"/> in <paramref name="role"/>, giving up after <paramref name="timeout"/>.</summary>
    public HttpClient Client(Uri address, string user, string role, TimeSpan? timeout = null)
    {
        var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero })
        {
            BaseAddress = address,
            Timeout = timeout ?? TimeSpan.FromSeconds(60),
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TokenFor(user, role));
        return client;
    }

    /// <summary>A POST of exactly <paramref name="json"/> (the same bytes each time: the key's fingerprint is over them).</summary>
    public static HttpRequestMessage Post(string url, string json, string? idempotencyKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return request;
    }

    /// <summary>Creates something directly (no proxy) and returns its id.</summary>
    public async Task<Guid> CreateAsync(string url, object body, string role)
    {
        using var client = Client(BaseAddress, $"setup-{role}", role);
        using var request = Post(url, JsonSerializer.Serialize(body, Json.Options), null);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBeOneOf([HttpStatusCode.Created, HttpStatusCode.OK], text);
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid();
    }

    /// <summary>Events of one stream, and events anywhere in this schema that carry <paramref name="idempotencyKey"/>.</summary>
    public async Task<(int InStream, long WithKey)> EventsAsync(Guid streamId, string idempotencyKey)
    {
        await using var session = Store.QuerySession();
        var inStream = (await session.Events.FetchStreamAsync(streamId)).Count;
        await using var connection = new NpgsqlConnection(AppFixture.ConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand(
            $"select count(*) from {Schema}.mt_events where headers ->> 'idempotency-key' = @key", connection);
        count.Parameters.AddWithValue("key", idempotencyKey);
        return (inStream, (long)(await count.ExecuteScalarAsync())!);
    }
}
