using System.Text.RegularExpressions;
using ClaimsLedger.Speakers;
using ClaimsLedger.Statements;

namespace ClaimsLedger.Ingestion.Extraction;

/// <summary>
/// Reported speech where the speech verb makes it clear: "X said (that) CLAUSE", "CLAUSE, X said",
/// "CLAUSE, according to X", "It was noted that CLAUSE". The span is the clause, marked indirect;
/// a clause that holds the speaker's own quotation is left to that quotation.
/// </summary>
internal static partial class IndirectSpeech
{
    private const int MinimumWords = 4;

    private static readonly HashSet<string> NotStatements = new(StringComparer.OrdinalIgnoreCase) { "asked", "asks", "ask" };

    private static readonly HashSet<string> Passives = new(StringComparer.OrdinalIgnoreCase) { "was", "is", "were", "are", "been" };

    /// <summary>Words that open a circumstance rather than a statement ("In a WBT report", "While in Brussels").</summary>
    private static readonly HashSet<string> Subordinators = new(StringComparer.OrdinalIgnoreCase)
    {
        "in", "on", "at", "during", "after", "before", "while", "when", "as", "although", "though", "if", "because", "since", "speaking",
        "by", "from", "with", "without", "to", "for", "about", "earlier", "later", "asked", "speaking", "addressing", "according",
    };

    /// <summary>What may follow an attribution's comma without continuing the reported clause.</summary>
    private static readonly HashSet<string> Continuations = new(StringComparer.OrdinalIgnoreCase)
    {
        "and", "but", "or", "while", "adding", "saying", "noting", "as", "which", "who", "though", "although", "citing", "according", "in", "on",
        "at", "after", "before", "during", "when", "because", "so", "yet", "then", "with", "without", "using",
    };

    private static readonly HashSet<string> Trailing = new(StringComparer.OrdinalIgnoreCase)
    {
        "what", "for", "to", "of", "in", "on", "at", "by", "with", "and", "but", "or", "that", "which", "as", "the", "a", "an",
    };

    public static IEnumerable<QuoteCandidate> Find(
        string text,
        IReadOnlyList<Token> tokens,
        IReadOnlyList<SpeechAct> acts,
        Func<SpeechAct, ArticleSpeaker?> resolve,
        IReadOnlyList<(int TokenIndex, ArticleSpeaker? Speaker, bool Dropped)> quotes)
    {
        if (Passive(text, tokens) is { } passive)
        {
            yield return passive;
            yield break;
        }

        // "X said he didn't mean it when he told the paper that ...": a pronoun's speech inside another
        // speaker's report is part of that report, not a statement of its own.
        acts = [.. acts.Where(act => !IsNestedPronoun(act, acts))];
        foreach (var act in acts)
        {
            if (tokens[act.VerbIndex].IsIn(NotStatements) || tokens[act.VerbIndex].IsIn(Lexicon.QuoteOnlyVerbs) ||
                resolve(act) is not { IsOutlet: false } speaker)
            {
                continue;
            }

            var (start, end) = ClauseOf(tokens, act, acts);
            if (start < 0 || end - start < 1)
            {
                continue;
            }

            var clause = tokens.Skip(start).Take(end - start).ToList();

            // A dateline ("WASHINGTON (Reuters) - ") opens the paragraph; it is not part of what was said.
            if (Dateline().Match(text, clause[0].Start) is { Success: true } dateline && dateline.Index == clause[0].Start)
            {
                clause.RemoveAll(token => token.Start < dateline.Index + dateline.Length);
                if (clause.Count == 0)
                {
                    continue;
                }
            }

            // A trailing "(AFRICOM)" glosses the last word; it is not part of what was said.
            while (clause.Count > 1 && clause[^1].Start > 0 && text[clause[^1].Start - 1] == '(')
            {
                clause.RemoveAt(clause.Count - 1);
            }
            if (clause.Count(token => token.IsWord) < MinimumWords || !clause[0].IsWord ||
                quotes.Any(quote => quote.TokenIndex >= start && quote.TokenIndex < end && !quote.Dropped && (quote.Speaker is null || quote.Speaker.Name == speaker.Name)))
            {
                continue;
            }

            var confidence = speaker.Resolved && !Lexicon.Pronouns.Contains(speaker.AsWritten) ? 0.5 : 0.4;
            yield return new QuoteCandidate(clause[0].Start, clause[^1].End, text[clause[0].Start..clause[^1].End], QuoteKind.Indirect, speaker.Name,
                speaker.AsWritten, speaker.Kind, speaker.Role, act.Verb, confidence, AttributionRoute.Reported, null);
        }
    }

    private static bool IsNestedPronoun(SpeechAct act, IReadOnlyList<SpeechAct> acts) =>
        act.Place == SubjectPlace.Before && act.Subject.Count == 1 && Lexicon.Pronouns.Contains(act.Subject[0].Text) &&
        acts.Any(other => other.VerbIndex < act.VerbIndex && other.Place != SubjectPlace.After && !(other.Subject.Count == 1 && Lexicon.Pronouns.Contains(other.Subject[0].Text)));

    /// <summary>The token range [start, end) of the clause an act reports, or (-1, -1).</summary>
    private static (int Start, int End) ClauseOf(IReadOnlyList<Token> tokens, SpeechAct act, IReadOnlyList<SpeechAct> acts)
    {
        var verb = act.VerbIndex;
        var opening = OpeningAttributionEnd(tokens);
        if (tokens[verb].Is("according") || tokens[verb].Is("per"))
        {
            // "According to X, CLAUSE." / "CLAUSE, according to X."
            if (verb <= 1)
            {
                return Trim(tokens, opening, Math.Min(tokens.Count, NextActStart(tokens, acts, opening)));
            }

            var comma = tokens[verb - 1].IsComma ? verb - 1 : verb >= 2 && tokens[verb - 2].IsComma ? verb - 2 : -1;
            return comma < 0 ? (-1, -1) : Trim(tokens, opening, comma);
        }

        var subjectStart = act.Place == SubjectPlace.Before && act.Subject.Count > 0 ? IndexOf(tokens, act.Subject[0]) : verb;
        var verbEnd = verb + act.Verb.Split(' ').Length;
        if (subjectStart > 0 && tokens[subjectStart - 1].IsComma && act.Place != SubjectPlace.Shared)
        {
            // "CLAUSE, Dunford said[, but ...]" / "CLAUSE, said X": the clause comes first and the verb closes it.
            // The verb closes the clause when nothing but circumstance follows: ", Cook told a news briefing on Friday."
            var rest = tokens.Skip(verbEnd).ToList();
            var closes = verbEnd >= tokens.Count || tokens[verbEnd].IsComma || act.Place == SubjectPlace.After ||
                         (rest.Count <= 8 && !rest.Any(token => token.IsQuote || token.Is("that") || token.IsComma) && !HasFiniteVerb(rest));

            // "The jets, Lapan said, are used ...": the attribution interrupts one clause, which is all reported.
            var interrupts = verbEnd + 1 < tokens.Count && tokens[verbEnd].IsComma && tokens[verbEnd + 1].IsWord &&
                             !tokens[verbEnd + 1].IsCapitalized && !tokens[verbEnd + 1].IsIn(Continuations);
            if (interrupts && act.Place == SubjectPlace.Before && !tokens.Any(token => token.IsQuote))
            {
                return Trim(tokens, opening, NextActStart(tokens, acts, verbEnd));
            }

            if (closes)
            {
                // A dateline ("GENEVA (Wire) — ") is not part of the clause.
                for (var index = opening; index < subjectStart - 1; index++)
                {
                    if (tokens[index].Text is "—" or "–")
                    {
                        opening = index + 1;
                    }
                }

                var clause = tokens.Skip(opening).Take(subjectStart - 1 - opening).ToList();
                var isClause = clause.Count > 0 && (!clause[0].IsIn(Subordinators) || (clause[0].Is("at") && clause.Count > 1 && clause[1].Is("least"))) && (HasFiniteVerb(clause) || clause.Count(token => token.IsWord) >= 6);
                return !isClause || clause.Any(token => token.IsQuote) ? (-1, -1) : Trim(tokens, opening, subjectStart - 1);
            }
        }

        if (act.Place == SubjectPlace.After)
        {
            return (-1, -1);
        }

        var start = verbEnd;
        var introduced = false;
        for (var index = start; index < tokens.Count && index - start < 6; index++)
        {
            if (tokens[index].IsQuote || tokens[index].IsComma || SpeechActs.IsVerb(tokens, index))
            {
                break;
            }

            if (tokens[index].Is("that"))
            {
                start = index + 1;
                introduced = true;
                break;
            }
        }

        // "said in an AFP report", "said on Tuesday": circumstances, not what was said.
        if (start >= tokens.Count || tokens[start].IsQuote || tokens[start].Text == ":" || (!introduced && tokens[start].IsIn(Subordinators)))
        {
            return (-1, -1);
        }

        var (from, to) = Trim(tokens, start, NextActStart(tokens, acts, start));

        // A denial's object is what was denied, not what was said: "denied the claims" reports no statement.
        var denial = tokens[verb].IsIn(Lexicon.DenialVerbs);
        return !denial || introduced ? (from, to) : (-1, -1);
    }

    /// <summary>Where a later attribution begins ("... for what a senior officer said ..."): the clause stops before it.</summary>
    private static int NextActStart(IReadOnlyList<Token> tokens, IReadOnlyList<SpeechAct> acts, int after)
    {
        foreach (var other in acts.Where(other => other.VerbIndex > after))
        {
            var begins = other.Place == SubjectPlace.Before && other.Subject.Count > 0 ? IndexOf(tokens, other.Subject[0]) : other.VerbIndex;
            if (begins > after)
            {
                return begins;
            }
        }

        return tokens.Count;
    }

    /// <summary>After a leading "According to X," the sentence's own clause begins.</summary>
    private static int OpeningAttributionEnd(IReadOnlyList<Token> tokens)
    {
        if (tokens.Count > 2 && tokens[0].Is("according") && tokens[1].Is("to"))
        {
            for (var index = 2; index < tokens.Count; index++)
            {
                if (tokens[index].IsComma)
                {
                    return index + 1;
                }
            }
        }

        return 0;
    }

    private static (int Start, int End) Trim(IReadOnlyList<Token> tokens, int start, int end)
    {
        // A non-restrictive relative clause is the reporter's background: ", who was linked to ...".
        for (var index = start + 1; index < end; index++)
        {
            if (tokens[index - 1].IsComma && (tokens[index].Is("who") || tokens[index].Is("which") || tokens[index].Is("whose")))
            {
                end = index - 1;
                break;
            }
        }

        while (end > start && (tokens[end - 1].IsPunctuation || tokens[end - 1].IsIn(Trailing)))
        {
            end--;
        }

        return (start, end);
    }

    private static readonly HashSet<string> FiniteVerbs = new(StringComparer.OrdinalIgnoreCase)
    {
        "is", "are", "was", "were", "has", "have", "had", "will", "would", "could", "can", "may", "might", "should", "must", "do", "does", "did",
        "remain", "remains", "remained",
    };

    /// <summary>A clause, not a phrase: "There is interest ..." rather than "At a news conference".</summary>
    private static bool HasFiniteVerb(List<Token> clause) =>
        clause.Any(token => token.IsIn(FiniteVerbs) || (token.IsWord && !token.IsCapitalized && token.Lower.EndsWith("ed", StringComparison.Ordinal)));

    private static int IndexOf(IReadOnlyList<Token> tokens, Token token)
    {
        for (var index = 0; index < tokens.Count; index++)
        {
            if (ReferenceEquals(tokens[index], token))
            {
                return index;
            }
        }

        return -1;
    }

    /// <summary>"It was (also) noted that CLAUSE": reported, credited to nobody.</summary>
    private static QuoteCandidate? Passive(string text, IReadOnlyList<Token> tokens)
    {
        if (tokens.Count < 4 || !tokens[0].Is("it") || !tokens[1].IsIn(Passives))
        {
            return null;
        }

        var verb = 2;
        while (verb < tokens.Count && tokens[verb].IsIn(Lexicon.Adverbs))
        {
            verb++;
        }

        if (verb + 1 >= tokens.Count || !SpeechActs.IsVerb(tokens, verb) || !tokens[verb + 1].Is("that"))
        {
            return null;
        }

        var (start, end) = Trim(tokens, verb + 2, tokens.Count);
        if (end - start < MinimumWords || tokens.Skip(start).Take(end - start).Any(token => token.IsQuote))
        {
            return null;
        }

        return new QuoteCandidate(tokens[start].Start, tokens[end - 1].End, text[tokens[start].Start..tokens[end - 1].End], QuoteKind.Indirect,
            QuoteExtractor.UnattributedPassive, null, SpeakerKind.Unnamed, null, tokens[verb].Text.ToLowerInvariant(), 0.3, AttributionRoute.Unattributed, null);
    }

    [GeneratedRegex(@"\G\p{Lu}[\p{Lu} .,'’\-]{1,40}(?:\s*\([^)]{1,40}\))?\s*(?:-{1,2}|—|–)\s*")]
    private static partial Regex Dateline();
}
