using System.Text.RegularExpressions;
using ClaimsLedger.Ingestion.Extraction;
using ClaimsLedger.Speakers.GettingDetails;
using Marten;

namespace ClaimsLedger.Ingestion;

/// <summary>
/// Matches the speakers an article names against the registered speakers and their aliases. A
/// match is proposed, never forced: one registered speaker is suggested, several are offered as
/// alternatives, none proposes a new speaker for the reviewer to register.
/// </summary>
public static partial class SpeakerRegistry
{
    /// <summary>How names are compared: case, dots and a leading article do not matter ("U.S." is "US").</summary>
    public static string Key(string name)
    {
        var key = Spaces().Replace(name.Replace(".", "", StringComparison.Ordinal).Replace('’', '\'').Trim().ToLowerInvariant(), " ");
        return LeadingArticle().Replace(key, "");
    }

    /// <summary>The ways a registry could know the speaker: the name, the words printed, an acronym and its expansion.</summary>
    public static IReadOnlyList<string> Keys(string name, string? asWritten)
    {
        var keys = new List<string> { Key(name) };
        if (asWritten is not null && !Lexicon.Pronouns.Contains(asWritten) && !asWritten.Equals("it", StringComparison.OrdinalIgnoreCase))
        {
            keys.Add(Key(asWritten));
        }

        if (Acronym().Match(name) is { Success: true } acronym)
        {
            keys.Add(Key(acronym.Groups["acronym"].Value));
            keys.Add(Key(acronym.Groups["name"].Value));
        }

        return [.. keys.Where(key => key.Length > 0).Distinct()];
    }

    public static async Task<IReadOnlyList<SuggestedSpeaker>> MatchAsync(IQuerySession session, IReadOnlyList<ArticleSpeakerName> names, CancellationToken cancellation)
    {
        var allKeys = names.SelectMany(name => Keys(name.Name, name.AsWritten)).Distinct().ToArray();
        var registered = allKeys.Length == 0
            ? []
            : await session.QueryAsync<SpeakerDetails>(
                "where regexp_replace(lower(replace(replace(data ->> 'name', '.', ''), '’', '''')), '^(the|a|an) ', '') = ANY(?) " +
                "or exists (select 1 from jsonb_array_elements_text(data -> 'aliases') alias " +
                "where regexp_replace(lower(replace(replace(alias, '.', ''), '’', '''')), '^(the|a|an) ', '') = ANY(?))",
                cancellation, allKeys, allKeys);

        var byKey = registered
            .SelectMany(speaker => new[] { speaker.Name }.Concat(speaker.Aliases).Select(known => (Key: Key(known), Speaker: speaker)))
            .ToLookup(entry => entry.Key, entry => entry.Speaker);

        return [.. names.Select(name =>
        {
            // The resolved name first; the words as printed only when the name finds nobody.
            var keys = Keys(name.Name, name.AsWritten);
            var matches = byKey[keys[0]].DistinctBy(speaker => speaker.Id).ToList();
            if (matches.Count == 0)
            {
                matches = [.. keys.Skip(1).SelectMany(key => byKey[key]).DistinctBy(speaker => speaker.Id)];
            }

            return new SuggestedSpeaker(name.Name, name.AsWritten, name.Kind, name.Role,
                matches.Count == 1 ? matches[0].Id : null,
                matches.Count > 1 ? [.. matches.Select(speaker => speaker.Id).Order()] : [],
                matches.Count == 0);
        })];
    }

    [GeneratedRegex(@"^(the|a|an) ")]
    private static partial Regex LeadingArticle();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"^(?<name>.+?)\s*\((?<acronym>[^)]+)\)\s*$")]
    private static partial Regex Acronym();
}

/// <summary>A speaker as the extractor named them, before the registry is asked.</summary>
public sealed record ArticleSpeakerName(string Name, string? AsWritten, ClaimsLedger.Speakers.SpeakerKind Kind, string? Role);
