using ClaimsLedger.Topics.GettingDetails;
using JasperFx.Events.Projections;
using Marten;

namespace ClaimsLedger.Topics;

public static class Configuration
{
    public static StoreOptions AddTopics(this StoreOptions options)
    {
        options.Projections.Add<TopicDetailsProjection>(ProjectionLifecycle.Inline);
        options.Schema.For<TopicDetails>().Index(details => details.Title);
        return options;
    }
}
