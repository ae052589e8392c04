using ClaimsLedger.Positions;
using Microsoft.Extensions.Options;
using Wolverine;

namespace ClaimsLedger.Feed;

public static class Configuration
{
    /// <summary>The live feed: one broadcaster per process, closed when the service stops so open streams end.</summary>
    public static IServiceCollection AddLiveFeed(this IServiceCollection services)
    {
        services.AddOptions<LiveFeedOptions>().BindConfiguration(LiveFeedOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(provider =>
        {
            var feed = new LiveFeed(provider.GetRequiredService<IOptions<LiveFeedOptions>>().Value);
            provider.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(feed.Close);
            return feed;
        });
        // Every node hears every change, whichever node's projection published it.
        services.AddSingleton<FeedFanOut>();
        services.AddSingleton<FeedListener>();
        services.AddHostedService(provider => provider.GetRequiredService<FeedListener>());
        return services;
    }

    /// <summary>
    /// <see cref="PositionChanged"/> goes to a local queue, in memory, on the node that runs the projection; from there
    /// it is fanned out to every node's open streams (<see cref="FeedFanOut"/>), which a crash ends too, so persisting
    /// the message would only replay stale changes to new clients. Sequential, so changes go out in the order they were committed.
    /// </summary>
    public static WolverineOptions AddLiveFeed(this WolverineOptions options)
    {
        options.LocalQueueFor<PositionChanged>().BufferedInMemory().Sequential();
        return options;
    }
}
