using System.Collections.Immutable;
using ClaimsLedger.Infrastructure;
using ClaimsLedger.Positions;
using ClaimsLedger.Positions.GettingTimelines;
using ClaimsLedger.Positions.ReviewingShifts;
using ClaimsLedger.Statements;
using ClaimsLedger.Statements.GettingDetails;
using ClaimsLedger.Topics;
using ClaimsLedger.Topics.GettingDetails;
using Microsoft.AspNetCore.Mvc;
using Shouldly;

namespace ClaimsLedger.Tests.Positions;

/// <summary>The pure parts of shift reviews and position changes, on hand-made timelines.</summary>
public sealed class ShiftDecisionTests
{
    private static readonly StanceLadder Ladder = new([new("ruled-out", "Ruled out"), new("assessing", "Assessing"),
        new("considering-options", "Considering options"), new("preparing", "Preparing"), new("committed", "Committed"), new("acting", "Acting")]);

    private static readonly TopicDetails Libya = new(Guid.NewGuid(), "Libya", null, Ladder, DateTimeOffset.UnixEpoch);

    private static readonly ActorRef Cook = new(ActorKind.Speaker, Guid.NewGuid(), "Peter Cook");

    private static readonly TimelineKey Key = new(ActorKind.Speaker, Cook.Id, Libya.Id);

    private static readonly Attribution ByCook = new(Cook.Id, Cook.Name, null, null, null, null);

    private static TimelineEntry Entry(Guid id, string statedAt, string stance, bool retracted = false) =>
        new(id, StatedTime.Parse(statedAt), DateTimeOffset.UnixEpoch, "quote", QuoteKind.Partial, ByCook, [], stance, null,
            retracted ? new Retraction(StatedTime.Parse("2016-04"), null, null, DateTimeOffset.UnixEpoch) : null);

    private static Statement Statement(Guid id, string statedAt, string stance) =>
        new(id, ByCook, "quote", QuoteKind.Partial, StatedTime.Parse(statedAt), [Libya.Id], ImmutableDictionary<Guid, string>.Empty.Add(Libya.Id, stance),
            [], StatementStatus.Active);

    private static TimelineEntry[] Timeline(params TimelineEntry[] entries) => entries;

    private static ShiftDesk Desk(TimelineEntry[] stored, params Statement[] statements) =>
        new("speakers", Key, Cook, new Topic(Libya.Id, Libya.Title, Ladder), null, statements.ToDictionary(statement => statement.Id), stored,
            PositionTimelineView.Of(Cook, Libya, stored));

    [Fact]
    public void A_shift_the_timeline_has_not_caught_up_with_is_a_409_to_retry_not_a_422()
    {
        var (january, february) = (Guid.NewGuid(), Guid.NewGuid());
        var statements = new[] { Statement(january, "2016-01-27", "considering-options"), Statement(february, "2016-02-10", "preparing") };

        var current = Desk(Timeline(Entry(january, "2016-01-27", "considering-options"), Entry(february, "2016-02-10", "preparing")), statements);
        var staleStance = Desk(Timeline(Entry(january, "2016-01-27", "considering-options"), Entry(february, "2016-02-10", "assessing")), statements);
        var missing = Desk(Timeline(Entry(january, "2016-01-27", "considering-options")), statements);

        current.HasComputedShift(january, february, "toStatementId").ShouldBeSameAs(ClaimsLedger.Infrastructure.Http.Problems.None);
        foreach (var lagging in new[] { staleStance, missing })
        {
            var problem = lagging.HasComputedShift(january, february, "toStatementId");
            problem.Status.ShouldBe(409);
            problem.Detail!.ShouldContain("not caught up");
        }
    }

    [Fact]
    public void Confirming_what_is_in_force_decides_nothing_and_a_confirmation_supersedes_an_override()
    {
        var shift = new ShiftView(Guid.NewGuid(), Guid.NewGuid(), StatedTime.Parse("2016-01"), StatedTime.Parse("2016-02"),
            new StanceView("assessing", "Assessing", 1), new StanceView("preparing", "Preparing", 3), 2, FlipRating.HalfFlip);
        var review = ShiftReview.Empty(Key);

        var first = ConfirmShiftEndpoint.Decide(new ConfirmShift(shift.FromStatementId, shift.ToStatementId, null, 0), review, shift);
        var confirmed = review.Apply((ShiftConfirmed)first.Single());
        var overridden = confirmed.Apply(new ShiftRatingOverridden(Key, shift.FromStatementId, shift.ToStatementId, FlipRating.HalfFlip, FlipRating.FullFlop, "why"));

        ConfirmShiftEndpoint.Decide(new ConfirmShift(shift.FromStatementId, shift.ToStatementId, "again", 1), confirmed, shift).ShouldBeEmpty();
        ConfirmShiftEndpoint.Decide(new ConfirmShift(shift.FromStatementId, shift.ToStatementId, null, 2), overridden, shift).ShouldHaveSingleItem()
            .ShouldBeOfType<ShiftConfirmed>();
        OverrideShiftRatingEndpoint.Decide(new OverrideShiftRating(shift.FromStatementId, shift.ToStatementId, FlipRating.FullFlop, " why ", 2), overridden, shift)
            .ShouldBeEmpty();
        OverrideShiftRatingEndpoint.Decide(new OverrideShiftRating(shift.FromStatementId, shift.ToStatementId, FlipRating.FullFlop, "another reason", 2), overridden, shift)
            .ShouldHaveSingleItem().ShouldBe(new ShiftRatingOverridden(Key, shift.FromStatementId, shift.ToStatementId, FlipRating.HalfFlip, FlipRating.FullFlop,
                "another reason"));
    }

    [Fact]
    public void A_review_stream_id_is_fixed_by_the_timeline_alone()
    {
        ShiftReview.StreamId(Key).ShouldBe(ShiftReview.StreamId(new TimelineKey(ActorKind.Speaker, Cook.Id, Libya.Id)));
        ShiftReview.StreamId(Key).ShouldNotBe(ShiftReview.StreamId(Key with { Kind = ActorKind.Organization }));
        ShiftReview.StreamId(Key).Version.ShouldBe(8);
    }

    [Fact]
    public void A_first_position_has_no_previous_and_no_rating()
    {
        var january = Guid.NewGuid();

        var change = PositionChanged.Between(Cook, [], Timeline(Entry(january, "2016-01-27", "assessing")), Libya, DateTimeOffset.UnixEpoch)!;

        (change.Previous, change.Stance.Key, change.Rating, change.StatementId).ShouldBe((null, "assessing", null, january));
    }

    [Fact]
    public void A_new_statement_on_the_same_rung_or_a_timeline_left_without_a_standing_statement_is_no_change()
    {
        var before = Timeline(Entry(Guid.NewGuid(), "2016-01-27", "assessing"));

        PositionChanged.Between(Cook, before, Timeline([.. before, Entry(Guid.NewGuid(), "2016-02-01", "assessing")]), Libya, DateTimeOffset.UnixEpoch)
            .ShouldBeNull();
        PositionChanged.Between(Cook, before, Timeline(Entry(before[0].StatementId, "2016-01-27", "assessing", retracted: true)), Libya,
            DateTimeOffset.UnixEpoch).ShouldBeNull();
    }

    [Fact]
    public void A_move_is_rated_as_the_timeline_rates_the_shift_into_it_or_on_its_two_rungs_when_the_previous_position_was_walked_back()
    {
        var (january, february, march) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var two = Timeline(Entry(january, "2016-01-27", "preparing"), Entry(february, "2016-02-10", "committed"));
        var three = Timeline([.. two, Entry(march, "2016-03-15", "preparing")]);
        var walkedBack = Timeline(two[0], Entry(february, "2016-02-10", "committed"), Entry(march, "2016-03-15", "acting", retracted: true));

        // Up one rung then back down one: the timeline rates it a Half Flip, and so does the change.
        PositionChanged.Between(Cook, two, three, Libya, DateTimeOffset.UnixEpoch)!.Rating.ShouldBe(FlipRating.HalfFlip);
        // March (acting) walked back: from acting to committed is one rung, whatever shift leads into February.
        var back = PositionChanged.Between(Cook, Timeline([.. two, Entry(march, "2016-03-15", "acting")]), walkedBack, Libya, DateTimeOffset.UnixEpoch)!;
        (back.Previous!.Key, back.Stance.Key, back.StatementId, back.Rating).ShouldBe(("acting", "committed", february, FlipRating.HalfFlip));
    }
}
