using ClaimsLedger.Speakers.GettingDetails;
using JasperFx.Events.Projections;
using Marten;

namespace ClaimsLedger.Speakers;

public static class Configuration
{
    public static StoreOptions AddSpeakers(this StoreOptions options)
    {
        options.Projections.Add<SpeakerDetailsProjection>(ProjectionLifecycle.Inline);
        options.Schema.For<SpeakerDetails>().Index(details => details.Name);
        return options;
    }
}
