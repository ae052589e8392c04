using System.Text.RegularExpressions;
using ClaimsLedger.Speakers;

namespace ClaimsLedger.Ingestion.Extraction;

/// <summary>A speaker as the article lets a careful reader name them.</summary>
/// <param name="Name">Resolved within the article: the full name, the institution, or the description as printed.</param>
/// <param name="AsWritten">The words of the attribution ("Cook", "he", "The U.S. military’s top general").</param>
/// <param name="Role">The role the article gives them, when it gives one.</param>
/// <param name="Kind">A named person, an unnamed voice kept as its description, or an institution.</param>
/// <param name="IsOutlet">A publication, not a speaker: what it carries is reporting, not a statement.</param>
/// <param name="Resolved">Named by the article (a full name, an institution), not only described or a bare pronoun.</param>
public sealed record ArticleSpeaker(string Name, string AsWritten, SpeakerKind Kind, string? Role, bool IsOutlet, bool Resolved);

/// <summary>
/// The people and institutions an article names, read once over the whole text, so that a later
/// "Cook", "he", "the top general" or "AFRICOM" can be resolved to "Peter Cook", "Joseph Dunford"
/// or "US Africa Command (AFRICOM)" wherever they appear.
/// </summary>
internal sealed partial class ArticleSpeakers
{
    private sealed class Person(string fullName)
    {
        public string FullName { get; } = fullName;

        /// <summary>Lower-case title and role words ("general", "spokesperson", "chairman").</summary>
        public HashSet<string> Titles { get; } = new(StringComparer.OrdinalIgnoreCase);

        /// <summary>Titles the article equates with the name ("The spokesman, Peter Cook").</summary>
        public HashSet<string> EquatedTitles { get; } = new(StringComparer.OrdinalIgnoreCase);

        public string? Role { get; set; }
    }

    private static readonly HashSet<string> NonNameWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "united", "states", "state", "islamic", "department", "command", "africa", "african", "america", "american", "government",
        "national", "accord", "special", "forces", "force", "joint", "chiefs", "staff", "house", "council", "ministry", "army", "navy",
        "security", "news", "wire", "times", "congress", "nations", "union", "north", "south", "east", "west", "middle", "european",
        "operation", "operations", "agreement", "party", "front", "group", "brigade", "brigades", "coalition", "alliance", "office",
        "agency", "service", "services", "court", "post", "daily", "press", "herald", "journal", "financial", "guardian", "monday",
        "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april", "may", "june",
        "july", "august", "september", "october", "november", "december", "defense", "defence", "the", "and", "of", "in", "city",
        "republic", "kingdom", "emirates", "arab", "libyan", "libya", "international", "general", "pentagon", "white", "representatives",
    };

    private static readonly HashSet<string> InstitutionWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "command", "department", "ministry", "pentagon", "house", "council", "agency", "army", "navy", "government", "office",
        "embassy", "administration", "military", "nations", "union", "organization", "organisation", "committee", "commission",
        "congress", "parliament", "court", "police", "corps", "coalition", "alliance", "nato", "party", "bureau", "service", "authority",
        "institute", "university", "bank", "fund", "kremlin", "cabinet", "presidency", "headquarters", "mission", "secretariat",
    };

    private static readonly HashSet<string> SpokespersonWords = new(StringComparer.OrdinalIgnoreCase) { "spokesman", "spokeswoman", "spokesperson" };

    private readonly List<(int At, Person Person)> mentions = [];
    private readonly List<Person> people = [];
    private readonly Dictionary<string, Person> peopleByName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> acronyms = new(StringComparer.OrdinalIgnoreCase);
    private readonly string? outlet;

    public ArticleSpeakers(string text, string? outlet)
    {
        this.outlet = outlet;
        foreach (Match match in CapitalizedRun().Matches(text))
        {
            // A run does not go over a sentence's end: "on Monday. Mr Johnson".
            var offset = 0;
            foreach (var part in SplitAtSentenceEnds(match.Value))
            {
                offset = match.Value.IndexOf(part, offset, StringComparison.Ordinal);
                Consider(text, match.Index + offset, part);
                offset += part.Length;
            }
        }

        foreach (Match match in AcronymDefinition().Matches(text))
        {
            var words = match.Groups["words"].Value.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
            while (words.Count > 0 && (words[0] is "The" or "the" || !char.IsUpper(words[0][0])))
            {
                words.RemoveAt(0);
            }

            var acronym = match.Groups["acronym"].Value;
            if (words.Count > 0 && Initials(words).Contains(acronym[0]) && !acronyms.ContainsKey(acronym))
            {
                acronyms[acronym] = $"{string.Join(' ', words)} ({acronym.ToUpperInvariant()})";
            }
        }
    }

    private static string Initials(IEnumerable<string> words) => string.Concat(words.Select(word => char.ToUpperInvariant(word[0])));

    private static IEnumerable<string> SplitAtSentenceEnds(string run)
    {
        var words = run.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var start = 0;
        for (var index = 0; index < words.Length; index++)
        {
            if (words[index].EndsWith('.') && !TextLayout.IsAbbreviation(words[index][..^1]) && index + 1 < words.Length)
            {
                yield return string.Join(' ', words[start..(index + 1)]);
                start = index + 1;
            }
        }

        yield return string.Join(' ', words[start..]);
    }

    private void Consider(string text, int runAt, string run)
    {
        var words = run.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (words.Count > 0 && words[^1].EndsWith('.') && !TextLayout.IsAbbreviation(words[^1][..^1]))
        {
            words[^1] = words[^1][..^1];
        }

        while (words.Count > 0 && Lexicon.SentenceOpeners.Contains(words[0]))
        {
            runAt += run.IndexOf(words[0], StringComparison.Ordinal) + words[0].Length;
            run = run[(run.IndexOf(words[0], StringComparison.Ordinal) + words[0].Length)..];
            words.RemoveAt(0);
        }

        // The name follows the last title word: "Mineral Resources Minister Gwede Mantashe".
        var titles = new List<string>();
        var lastTitle = words.FindLastIndex(word => Lexicon.TitleWords.Contains(word) || Lexicon.TitleWords.Contains(word + "."));
        if (lastTitle >= 0 && lastTitle < words.Count - 1)
        {
            titles.AddRange(words.Take(lastTitle + 1));
            words.RemoveRange(0, lastTitle + 1);
        }

        if (words.Count is < 2 or > 3 || words.Any(word => NonNameWords.Contains(word) || !IsNameWord(word)))
        {
            return;
        }

        var nameStart = runAt + run.IndexOf(words[0], StringComparison.Ordinal);
        titles.AddRange(TitlesBefore(text, runAt));
        var fullName = string.Join(' ', words);
        if (!peopleByName.TryGetValue(fullName, out var person))
        {
            person = new Person(fullName);
            people.Add(person);
            peopleByName[fullName] = person;
        }

        foreach (var title in titles)
        {
            person.Titles.Add(Normalize(title));
        }

        var end = nameStart + fullName.Length;
        if (AppositiveAfter().Match(text[end..Math.Min(text.Length, end + 120)]) is { Success: true } appositive)
        {
            foreach (var word in HeadWords(appositive.Groups["role"].Value))
            {
                person.Titles.Add(word);
            }

            person.Role ??= appositive.Groups["role"].Value.Trim();
        }

        // "The spokesman, Peter Cook, ..." equates a description with the name.
        if (DescriptionBefore().Match(text[Math.Max(0, runAt - 60)..runAt]) is { Success: true } description)
        {
            foreach (var word in HeadWords(description.Groups["description"].Value))
            {
                person.Titles.Add(word);
                person.EquatedTitles.Add(word);
            }
        }

        mentions.Add((nameStart, person));
    }

    private static bool IsNameWord(string word) =>
        word.Length > 1 && char.IsUpper(word[0]) && (word.Skip(1).Any(char.IsLower) || (word.Length == 2 && word[1] == '.'));

    private static IEnumerable<string> TitlesBefore(string text, int at)
    {
        var before = text[Math.Max(0, at - 60)..at];
        var words = before.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        for (var index = words.Length - 1; index >= 0 && Lexicon.TitleWords.Contains(words[index]); index--)
        {
            yield return words[index];
        }
    }

    /// <summary>The nouns of a role phrase before any "of"/"for": "chairman of the Joint Chiefs" gives "chairman".</summary>
    private static IEnumerable<string> HeadWords(string role)
    {
        foreach (var word in role.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (word is "of" or "for" or "at" or "in")
            {
                yield break;
            }

            if (word is not ("a" or "an" or "the" or "The" or "A" or "An"))
            {
                yield return Normalize(word);
            }
        }
    }

    private static string Normalize(string word)
    {
        var lower = word.ToLowerInvariant();
        if (Lexicon.Ranks.TryGetValue(lower, out var rank))
        {
            return rank;
        }

        return SpokespersonWords.Contains(lower) ? "spokesperson" : lower.TrimEnd('.');
    }

    /// <summary>Names a noun phrase, given the speakers met before it (for pronouns) in reading order.</summary>
    public ArticleSpeaker Resolve(IReadOnlyList<Token> subject, string? role, string? writtenAs, int at, IReadOnlyList<ArticleSpeaker> earlier)
    {
        var asWritten = writtenAs ?? string.Join(' ', subject.Select(token => token.Text));
        var words = subject.Select(token => token.Text).ToList();

        if (words.Count == 1 && Lexicon.Pronouns.Contains(words[0]))
        {
            var pronoun = words[0].ToLowerInvariant();
            var antecedent = earlier.LastOrDefault(speaker => !speaker.IsOutlet && (pronoun is "he" or "she" ? speaker.Kind == SpeakerKind.Person : true));
            return antecedent is null
                ? new ArticleSpeaker(asWritten, asWritten, SpeakerKind.Unnamed, role, false, false)
                : antecedent with { AsWritten = asWritten };
        }

        if (words.Count == 1 && words[0].Equals("it", StringComparison.OrdinalIgnoreCase))
        {
            var antecedent = earlier.LastOrDefault(speaker => speaker.Kind == SpeakerKind.Institution || speaker.IsOutlet);
            return antecedent is null
                ? new ArticleSpeaker(asWritten, asWritten, SpeakerKind.Institution, role, false, false)
                : antecedent with { AsWritten = asWritten };
        }

        if (Lexicon.LooksLikeOutlet(words, outlet) || (words.Count == 2 && words[0].Equals("the", StringComparison.OrdinalIgnoreCase) && Lexicon.OutletNouns.Contains(words[1])))
        {
            return new ArticleSpeaker(asWritten, asWritten, SpeakerKind.Institution, role, true, false);
        }

        var determiner = words.Count > 1 && words[0].ToLowerInvariant() is "the" or "a" or "an" ? words[0].ToLowerInvariant() : null;
        var content = determiner is null ? words : words.Skip(1).ToList();

        // "the AFRICOM press release", "a Pentagon statement": the institution speaking through a document.
        if (DocumentOwner(content) is { } owner)
        {
            return Institution(owner, asWritten, role);
        }

        // "The US Africa Command (AFRICOM)": an institution the article names with its acronym.
        if (content.FirstOrDefault(acronyms.ContainsKey) is { } acronym && content.All(word => char.IsUpper(word[0])))
        {
            return Institution([acronym], asWritten, role);
        }

        var lastTitle = content.FindLastIndex(word => Lexicon.TitleWords.Contains(word));
        var nameWords = lastTitle >= 0 && lastTitle < content.Count - 1 && content.Skip(lastTitle + 1).All(IsNameWord)
            ? content.Skip(lastTitle + 1).ToList()
            : content.SkipWhile(word => Lexicon.TitleWords.Contains(word)).ToList();
        if (nameWords.Count > 0 && nameWords.All(word => char.IsUpper(word[0])))
        {

            if (!nameWords.Any(word => InstitutionWords.Contains(word)) && nameWords.All(IsNameWord) && PersonNamed(nameWords, at) is { } person)
            {
                return new ArticleSpeaker(person.FullName, asWritten, SpeakerKind.Person, role ?? person.Role ?? TitleText(content, nameWords), false, true);
            }

            if ((nameWords.Count == 1 && nameWords[0].All(character => char.IsUpper(character) || character == '.')) ||
                nameWords.Any(word => InstitutionWords.Contains(word)))
            {
                return Institution(nameWords, asWritten, role);
            }

            if (nameWords.All(IsNameWord))
            {
                return new ArticleSpeaker(string.Join(' ', nameWords), asWritten, SpeakerKind.Person, role ?? TitleText(content, nameWords), false, true);
            }
        }

        // A description: "the top general" names the one person the article gives that title; "a senior
        // officer" stays unnamed unless the article equates it with a name ("The officer, Jane Doe").
        var head = Normalize(content[^1]);
        if (Lexicon.TitleModifiers.Contains(head))
        {
            // "Labour's foreign": no title noun to match anyone by.
            return new ArticleSpeaker(asWritten, asWritten, SpeakerKind.Unnamed, role ?? string.Join(' ', content), false, false);
        }

        var candidates = people.Where(person => determiner is "a" or "an" ? person.EquatedTitles.Contains(head) : person.Titles.Contains(head)).ToList();
        if (determiner is not null && candidates.Count == 1 && !IsPlural(content[^1]))
        {
            return new ArticleSpeaker(candidates[0].FullName, asWritten, SpeakerKind.Person, candidates[0].Role ?? string.Join(' ', content), false, true);
        }

        // "the spokesman" after "The Prime Minister's spokesman said": the same unnamed voice.
        if (determiner == "the" && earlier.LastOrDefault(speaker => speaker.Kind == SpeakerKind.Unnamed && !speaker.IsOutlet &&
                                                                 HeadWords(speaker.Name).LastOrDefault() == head) is { } same)
        {
            return same with { AsWritten = asWritten };
        }

        var possessive = determiner is null && content.Count > 1 && (content[0].EndsWith("’s", StringComparison.Ordinal) || content[0].EndsWith("'s", StringComparison.Ordinal));
        if (possessive && people.Count(person => person.Titles.Contains(head)) == 1)
        {
            var person = people.Single(candidate => candidate.Titles.Contains(head));
            return new ArticleSpeaker(person.FullName, asWritten, SpeakerKind.Person, person.Role ?? string.Join(' ', content), false, true);
        }

        return content.Any(word => InstitutionWords.Contains(word)) && content.All(word => char.IsUpper(word[0]))
            ? Institution(content, asWritten, role)
            : new ArticleSpeaker(asWritten, asWritten, SpeakerKind.Unnamed, role ?? string.Join(' ', content), false, false);
    }

    private static bool IsPlural(string word) => word.EndsWith('s') && !word.EndsWith("ss", StringComparison.Ordinal) && !SpokespersonWords.Contains(word);

    private static string? TitleText(List<string> content, List<string> nameWords) =>
        content.Count > nameWords.Count ? string.Join(' ', content.Take(content.Count - nameWords.Count)) : null;

    private ArticleSpeaker Institution(List<string> words, string asWritten, string? role)
    {
        var name = string.Join(' ', words);
        if (words.Count == 1 && acronyms.TryGetValue(words[0], out var expanded))
        {
            name = expanded;
        }
        else if (acronyms.Values.FirstOrDefault(value => value.StartsWith(name + " (", StringComparison.OrdinalIgnoreCase)) is { } withAcronym)
        {
            name = withAcronym;
        }

        return new ArticleSpeaker(name, asWritten, SpeakerKind.Institution, role, false, true);
    }

    private static List<string>? DocumentOwner(List<string> words)
    {
        var phrase = string.Join(' ', words).ToLowerInvariant();
        foreach (var noun in Lexicon.DocumentNouns)
        {
            if (phrase.EndsWith(" " + noun, StringComparison.Ordinal))
            {
                var owner = words.Take(words.Count - noun.Split(' ').Length).ToList();
                if (owner.Count > 0 && owner.All(word => char.IsUpper(word[0])))
                {
                    return owner;
                }
            }
        }

        return null;
    }

    /// <summary>The person a name refers to: the full name, or a surname the article introduced with its full name.</summary>
    private Person? PersonNamed(List<string> nameWords, int at)
    {
        var written = string.Join(' ', nameWords);
        var exact = people.FirstOrDefault(person => person.FullName.Equals(written, StringComparison.Ordinal));
        if (exact is not null)
        {
            return exact;
        }

        var surname = nameWords[^1];
        var matching = people.Where(person => person.FullName.Split(' ')[^1].Equals(surname, StringComparison.Ordinal) &&
                                              (nameWords.Count == 1 || person.FullName.EndsWith(written, StringComparison.Ordinal))).ToList();
        return matching.Count switch
        {
            0 => null,
            1 => matching[0],

            // Two people share the surname: the one last named before this mention.
            _ => mentions.Where(mention => mention.At <= at && matching.Contains(mention.Person)).Select(mention => mention.Person).LastOrDefault() ?? matching[0],
        };
    }

    [GeneratedRegex(@"(?<![\p{L}\p{N}])(?:\p{Lu}[\p{L}’'\-]*\.?[ ]){1,5}\p{Lu}[\p{L}’'\-]+")]
    private static partial Regex CapitalizedRun();

    [GeneratedRegex(@"(?<words>(?:(?:[Tt]he|\p{Lu}[\p{L}.\-]*)[ ]){1,7})\((?<acronym>\p{L}{2,10})\)")]
    private static partial Regex AcronymDefinition();

    [GeneratedRegex(@"^,[ ](?<role>(?:(?:a|an|the)[ ])?[\p{Ll}\p{Lu}][\p{L}.’'\-]*(?:[ ][\p{L}.’'\-]+){0,9}?)(?=,|\.(?:\s|$)|$)")]
    private static partial Regex AppositiveAfter();

    [GeneratedRegex(@"(?:^|[\s.])(?:[Tt]he)[ ](?<description>[\p{L}.’'\- ]{2,50}),[ ]$")]
    private static partial Regex DescriptionBefore();
}
