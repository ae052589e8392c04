using ClaimsLedger.Ingestion.Extraction;
using ClaimsLedger.Topics.GettingDetails;
using Marten;

namespace ClaimsLedger.Ingestion;

/// <summary>
/// Topics an article seems to be about: those whose title's content words all (or all but one of
/// four or more) occur in the text. A suggestion for the reviewer, never applied by itself.
/// </summary>
public static class TopicProposals
{
    private const int MaxTopicsConsidered = 1_000;

    private static readonly HashSet<string> StopWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "the", "a", "an", "of", "in", "on", "at", "to", "for", "and", "or", "against", "with", "by", "from", "about", "over", "under",
        "into", "its", "their", "his", "her", "us", "u.s", "use", "new",
    };

    public static async Task<IReadOnlyList<Guid>> ProposeAsync(IQuerySession session, string text, CancellationToken cancellation)
    {
        var topics = await session.Query<TopicDetails>().OrderBy(topic => topic.Title).Take(MaxTopicsConsidered).ToListAsync(cancellation);
        var words = QuoteExtractor.EchoKey(text).Split(' ').ToHashSet(StringComparer.Ordinal);
        return [.. topics.Where(topic => IsAbout(topic.Title, words)).Select(topic => topic.Id)];
    }

    public static bool IsAbout(string title, IReadOnlySet<string> articleWords)
    {
        var content = QuoteExtractor.EchoKey(title).Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(word => word.Length > 2 && !StopWords.Contains(word))
            .Distinct()
            .ToList();
        if (content.Count == 0)
        {
            return false;
        }

        var missing = content.Count(word => !articleWords.Contains(word));
        return missing == 0 || (content.Count >= 4 && missing == 1);
    }
}
