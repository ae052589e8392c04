using Alba;
using ClaimsLedger.Infrastructure.Auth;
using Marten;

namespace ClaimsLedger.Tests.Support;

/// <summary>Base of the HTTP tests: the shared host, tokens per role, and reads of the event log.</summary>
public abstract class HostContext(AppFixture fixture) : IApiProbe
{
    protected AppFixture Fixture { get; } = fixture;

    protected Scenarios Given { get; } = new(fixture);

    public IAlbaHost Host => Fixture.Host;

    protected IDocumentStore Store => Fixture.Store;

    protected string Reader => Fixture.TokenFor(Roles.Reader);

    protected string Recorder => Fixture.TokenFor(Roles.Recorder);

    protected string Editor => Fixture.TokenFor(Roles.Editor);

    protected string Auditor => Fixture.TokenFor(Roles.Auditor);

    protected string Admin => Fixture.TokenFor(Roles.Admin);

    /// <summary>Every event in this collection's schema: the "nothing was written" yardstick.</summary>
    public async Task<long> EventCountAsync()
    {
        await using var session = Store.QuerySession();
        return await session.Events.QueryAllRawEvents().LongCountAsync();
    }
}

/// <summary>Tests on the shared API host.</summary>
[Collection(ApiCollection.Name)]
public abstract class ApiContext(AppFixture fixture) : HostContext(fixture);
