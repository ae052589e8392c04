namespace ClaimsLedger.Topics;

/// <summary>One position on a topic's stance ladder; <paramref name="Key"/> is what assessments name.</summary>
public sealed record StanceRung(string Key, string Label);

/// <summary>
/// The ordered positions an actor can hold on a topic, lowest first, e.g.
/// ruled-out &lt; assessing &lt; considering-options &lt; preparing &lt; committed &lt; acting.
/// </summary>
public sealed record StanceLadder(IReadOnlyList<StanceRung> Rungs)
{
    /// <summary>Position of <paramref name="key"/> on the ladder, or -1 when it is not a rung.</summary>
    public int RankOf(string key)
    {
        for (var rank = 0; rank < Rungs.Count; rank++)
        {
            if (Rungs[rank].Key == key)
            {
                return rank;
            }
        }

        return -1;
    }

    public bool Has(string key) => RankOf(key) >= 0;

    /// <summary>Distance from the bottom rung to the top one.</summary>
    public int Span => Rungs.Count - 1;
}

// Events of a topic stream.

/// <summary>A topic was opened, with the stance ladder assessments are read on.</summary>
public sealed record TopicOpened(Guid TopicId, string Title, string? Description, StanceLadder Ladder);

/// <summary>Write model of a topic.</summary>
public sealed record Topic(Guid Id, string Title, StanceLadder Ladder)
{
    public static Topic Create(TopicOpened opened) => new(opened.TopicId, opened.Title, opened.Ladder);
}
