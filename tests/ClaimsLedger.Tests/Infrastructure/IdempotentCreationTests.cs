using ClaimsLedger.Infrastructure.Http;
using Shouldly;

namespace ClaimsLedger.Tests.Infrastructure;

public sealed class IdempotentCreationTests
{
    [Fact]
    public void The_same_user_route_and_key_always_name_the_same_new_resource()
    {
        var first = IdempotentCreation.DeriveId("dev-recorder", "/api/statements", "abc-123");

        IdempotentCreation.DeriveId("dev-recorder", "/api/statements", "abc-123").ShouldBe(first);
        IdempotentCreation.DeriveId("dev-editor", "/api/statements", "abc-123").ShouldNotBe(first);
        IdempotentCreation.DeriveId("dev-recorder", "/api/speakers", "abc-123").ShouldNotBe(first);
        first.Version.ShouldBe(8);
    }
}
