using System.Text;
using ClaimsLedger.Feed;
using ClaimsLedger.Infrastructure;
using ClaimsLedger.Positions;
using ClaimsLedger.Positions.GettingTimelines;
using Shouldly;

namespace ClaimsLedger.Tests.Feed;

/// <summary>The live feed's fan-out between nodes, through PostgreSQL NOTIFY.</summary>
public sealed class FeedFanOutTests
{
    [Fact]
    public void The_largest_change_the_validators_allow_fits_in_one_notification()
    {
        // Every text at its validator's maximum length, in a character JSON escapes to six bytes (\uXXXX).
        static string Longest(int length) => new('é', length);
        var stance = new StanceView(new string('k', 40), Longest(80), int.MaxValue);
        var change = new PositionChanged(
            new ActorRef(ActorKind.Organization, Guid.NewGuid(), Longest(200)),
            Guid.NewGuid(), Longest(300), stance, stance with { Rank = int.MinValue }, Guid.NewGuid(),
            StatedTime.Parse("2016-01-27T14:30:00.1234567+05:45"), FlipRating.FullFlop, DateTimeOffset.MaxValue,
            $"/api/positions/organizations/{Guid.NewGuid()}/topics/{Guid.NewGuid()}");

        var bytes = Encoding.UTF8.GetByteCount(FeedFanOut.Payload(change));

        bytes.ShouldBeLessThanOrEqualTo(FeedFanOut.MaxPayloadBytes);
    }

    [Fact]
    public void A_notification_reads_back_as_the_change_it_carries()
    {
        var change = new PositionChanged(new ActorRef(ActorKind.Speaker, Guid.NewGuid(), "Peter Cook"), Guid.NewGuid(), "Libya",
            null, new StanceView("preparing", "Preparing", 3), Guid.NewGuid(), StatedTime.Parse("2016-01-27"), null,
            DateTimeOffset.UnixEpoch, "/api/positions/speakers/x/topics/y");

        System.Text.Json.JsonSerializer.Deserialize<PositionChanged>(FeedFanOut.Payload(change), FeedFanOut.Json).ShouldBeEquivalentTo(change);
    }

    [Fact]
    public void Each_schema_has_a_channel_of_its_own_within_postgresqls_identifier_length()
    {
        FeedFanOut.ChannelFor("claimsledger").ShouldBe("claimsledger_position_changed");
        FeedFanOut.ChannelFor(new string('s', 63)).Length.ShouldBe(63);
    }
}
