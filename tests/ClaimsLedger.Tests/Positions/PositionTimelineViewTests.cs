using ClaimsLedger.Infrastructure;
using ClaimsLedger.Positions;
using ClaimsLedger.Positions.GettingTimelines;
using ClaimsLedger.Statements;
using ClaimsLedger.Statements.GettingDetails;
using ClaimsLedger.Topics;
using ClaimsLedger.Topics.GettingDetails;
using Shouldly;

namespace ClaimsLedger.Tests.Positions;

public sealed class PositionTimelineViewTests
{
    private static readonly TopicDetails Libya = new(Guid.NewGuid(), "Libya", null,
        new StanceLadder([new("ruled-out", "Ruled out"), new("assessing", "Assessing"), new("considering-options", "Considering options"),
            new("preparing", "Preparing"), new("committed", "Committed"), new("acting", "Acting")]),
        DateTimeOffset.UnixEpoch);

    private static readonly ActorRef Pentagon = new(ActorKind.Organization, Guid.NewGuid(), "U.S. Department of Defense");

    private static TimelineEntry Entry(string statedAt, string stance, bool retracted = false) =>
        new(Guid.NewGuid(), StatedTime.Parse(statedAt), DateTimeOffset.UnixEpoch, "quote", QuoteKind.Partial,
            new Attribution(Guid.NewGuid(), "Peter Cook", null, null, Pentagon.Id, Pentagon.Name), [], stance, null,
            retracted ? new Retraction(StatedTime.Parse("2016-03"), null, null, DateTimeOffset.UnixEpoch) : null);

    [Fact]
    public void Shifts_join_consecutive_standing_positions_and_the_last_one_is_current()
    {
        TimelineEntry[] entries = [Entry("2016-01-27", "considering-options"), Entry("2016-02-19", "acting"), Entry("2016-05-19", "preparing")];

        var view = PositionTimelineView.Of(Pentagon, Libya, entries);

        view.Shifts.Select(shift => (shift.From.Key, shift.To.Key, shift.Steps, shift.Rating)).ShouldBe(
        [
            ("considering-options", "acting", 3, FlipRating.FullFlop),
            ("acting", "preparing", -2, FlipRating.FullFlop),
        ]);
        view.Current!.Stance.Key.ShouldBe("preparing");
        view.Topic.Ladder.Select(rung => rung.Rank).ShouldBe([0, 1, 2, 3, 4, 5]);
    }

    [Fact]
    public void A_retracted_statement_stays_on_the_timeline_marked_but_no_longer_counts_as_a_position()
    {
        TimelineEntry[] entries = [Entry("2016-01-27", "assessing"), Entry("2016-02-01", "acting", retracted: true)];

        var view = PositionTimelineView.Of(Pentagon, Libya, entries);

        view.Entries.Select(entry => entry.Retracted).ShouldBe([false, true]);
        view.Shifts.ShouldBeEmpty();
        view.Current!.Stance.Key.ShouldBe("assessing");
    }

    [Fact]
    public void An_empty_timeline_has_no_current_position()
    {
        var view = PositionTimelineView.Of(Pentagon, Libya, []);

        view.Current.ShouldBeNull();
        view.Shifts.ShouldBeEmpty();
    }
}
