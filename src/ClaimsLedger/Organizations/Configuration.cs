using ClaimsLedger.Organizations.GettingDetails;
using JasperFx.Events.Projections;
using Marten;

namespace ClaimsLedger.Organizations;

public static class Configuration
{
    public static StoreOptions AddOrganizations(this StoreOptions options)
    {
        options.Projections.Add<OrganizationDetailsProjection>(ProjectionLifecycle.Inline);
        options.Schema.For<OrganizationDetails>().Index(details => details.Name);
        return options;
    }
}
