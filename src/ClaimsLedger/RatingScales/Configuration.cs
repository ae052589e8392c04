using ClaimsLedger.RatingScales.GettingDetails;
using JasperFx.Events.Projections;
using Marten;

namespace ClaimsLedger.RatingScales;

public static class Configuration
{
    public static StoreOptions AddRatingScales(this StoreOptions options)
    {
        options.Projections.Add<RatingScaleDetailsProjection>(ProjectionLifecycle.Inline);
        options.Schema.For<RatingScaleDetails>().Index(details => details.Name);
        return options;
    }
}
