using JasperFx.Events.Projections;
using Marten;

namespace ClaimsLedger.Claims;

public static class Configuration
{
    public static StoreOptions AddClaims(this StoreOptions options)
    {
        options.Projections.Add<ClaimHistoryProjection>(ProjectionLifecycle.Inline);
        options.Schema.For<ClaimHistory>().Index(history => history.Text).Duplicate(history => history.OpenedAt);
        return options;
    }
}
