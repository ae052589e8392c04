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
        return services;
    }

    /// <summary>
    /// <see cref="PositionChanged"/> goes to a local queue, in memory: its subscribers are this process's open
    /// streams, which a crash ends too, so persisting the message would only replay stale changes to new clients.
    /// Sequential, so changes reach subscribers in the order they were committed.
    /// </summary>
    public static WolverineOptions AddLiveFeed(this WolverineOptions options)
    {
        options.LocalQueueFor<PositionChanged>().BufferedInMemory().Sequential();
        return options;
    }
}
