using ClaimsLedger.Positions;
using Shouldly;

namespace ClaimsLedger.Tests.Positions;

/// <summary>The Flip rule of docs/architecture.md, on the six-rung military-action ladder (span 5).</summary>
public sealed class FlipRuleTests
{
    private const int Span = 5;

    [Theory]
    [InlineData(2, 2, 0, FlipRating.NoFlip)]       // considering options, said again
    [InlineData(2, 1, 0, FlipRating.HalfFlip)]     // one rung down, nothing before
    [InlineData(2, 3, 1, FlipRating.HalfFlip)]     // one more rung the same way
    [InlineData(1, 2, -1, FlipRating.HalfFlip)]    // a one-rung wobble back is still only a Half Flip
    [InlineData(3, 1, 1, FlipRating.FullFlop)]     // two rungs back against the previous move
    [InlineData(1, 3, 1, FlipRating.HalfFlip)]     // two rungs on in the same direction
    [InlineData(2, 5, 0, FlipRating.FullFlop)]     // three rungs: at least half the ladder
    [InlineData(5, 0, 1, FlipRating.FullFlop)]     // from acting to ruled out
    [InlineData(0, 2, 0, FlipRating.HalfFlip)]     // two rungs, first move: under half the ladder
    public void Moves_are_rated_by_distance_and_by_reversal(int from, int to, int previousMove, FlipRating expected) =>
        FlipRule.Rate(from, to, previousMove, Span).ShouldBe(expected);

    [Fact]
    public void On_a_two_rung_ladder_any_move_is_a_full_flop() =>
        FlipRule.Rate(0, 1, 0, span: 1).ShouldBe(FlipRating.FullFlop);

    [Fact]
    public void A_ladder_needs_two_rungs() =>
        Should.Throw<ArgumentOutOfRangeException>(() => FlipRule.Rate(0, 0, 0, span: 0));
}
