using Alba;
using ClaimsLedger.Infrastructure.Http;
using ClaimsLedger.Organizations.GettingDetails;
using ClaimsLedger.Organizations.Registering;
using ClaimsLedger.Tests.Support;
using Shouldly;

namespace ClaimsLedger.Tests.Organizations;

public sealed class RegisterOrganizationTests(AppFixture fixture) : ApiContext(fixture)
{
    [Fact]
    public async Task A_registered_organization_can_be_read_back_with_its_aliases()
    {
        var created = await Host.Scenario(s =>
        {
            s.WithBearerToken(Recorder);
            s.Post.Json(new RegisterOrganization("U.S. Department of Defense", ["Pentagon", "DoD"])).ToUrl("/api/organizations");
            s.StatusCodeShouldBe(201);
        });
        var id = (await created.ReadAsJsonAsync<Created>())!.Id;

        var read = await Host.GetJsonAsync<OrganizationDetails>($"/api/organizations/{id}", Reader);

        read.Name.ShouldBe("U.S. Department of Defense");
        read.Aliases.ShouldBe(["Pentagon", "DoD"]);
        read.Version.ShouldBe(1);
    }
}
