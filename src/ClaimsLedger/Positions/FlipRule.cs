namespace ClaimsLedger.Positions;

/// <summary>How big a change of position is, after PolitiFact's Flip-O-Meter.</summary>
public enum FlipRating
{
    NoFlip,
    HalfFlip,
    FullFlop,
}

/// <summary>
/// Rates the move between two consecutive stances on a ladder (see docs/architecture.md):
/// <list type="number">
/// <item>the same rung is a No Flip;</item>
/// <item>a move across at least half the ladder is a Full Flop;</item>
/// <item>a move of two rungs or more against the direction of the previous move (a reversal
/// with some distance to it) is a Full Flop;</item>
/// <item>any other move is a Half Flip.</item>
/// </list>
/// </summary>
public static class FlipRule
{
    /// <param name="fromRank">Rung of the earlier stance (0 = bottom).</param>
    /// <param name="toRank">Rung of the later stance.</param>
    /// <param name="previousMove">Signed size of the last move that changed rung on this timeline, 0 if none.</param>
    /// <param name="span">Rungs from bottom to top (ladder length - 1).</param>
    public static FlipRating Rate(int fromRank, int toRank, int previousMove, int span)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(span, 1);
        var move = toRank - fromRank;
        if (move == 0)
        {
            return FlipRating.NoFlip;
        }

        if (2 * Math.Abs(move) >= span)
        {
            return FlipRating.FullFlop;
        }

        var reverses = previousMove != 0 && Math.Sign(move) != Math.Sign(previousMove);
        return reverses && Math.Abs(move) >= 2 ? FlipRating.FullFlop : FlipRating.HalfFlip;
    }
}
