namespace ClaimsLedger.Ingestion.Extraction;

/// <summary>Where the speaker stands relative to the verb: "Cook said" (before) or "said Cook" (after).</summary>
internal enum SubjectPlace
{
    Before,
    After,

    /// <summary>No subject of its own: "..., but said", "..., adding that": the sentence's speaker.</summary>
    Shared,
}

/// <summary>
/// A speech verb and who it credits, as printed: <see cref="Subject"/> is the noun phrase ("Peter Cook",
/// "a senior U.S. military officer", "he"), <see cref="Role"/> its appositive ("a Pentagon spokesman").
/// </summary>
internal sealed record SpeechAct(int VerbIndex, string Verb, IReadOnlyList<Token> Subject, string? Role, SubjectPlace Place, string? WrittenAs)
{
    public bool IsReporting => Lexicon.ReportingVerbs.Contains(Verb.Split(' ')[0]);

    public string SubjectText => WrittenAs ?? string.Join(' ', Subject.Select(token => token.Text));
}

/// <summary>
/// Finds speech verbs in a sentence and the noun phrase each one credits, by the shapes English news
/// reporting uses: "X said", "X, a ROLE, said", "said X, ROLE", "according to X", "X told reporters",
/// "he noted", "..., but said", "..., adding that".
/// </summary>
internal static class SpeechActs
{
    private static readonly HashSet<string> Determiners = new(StringComparer.OrdinalIgnoreCase)
    {
        "the", "a", "an", "this", "that", "these", "those", "his", "her", "its", "their", "our", "my", "your", "one", "two", "three", "several", "some", "many",
    };

    private static readonly HashSet<string> Prepositions = new(StringComparer.OrdinalIgnoreCase)
    {
        "in", "on", "at", "during", "after", "before", "to", "from", "with", "via", "by", "while", "when", "through", "over", "about", "into",
    };

    private static readonly HashSet<string> Relatives = new(StringComparer.OrdinalIgnoreCase) { "who", "which", "whose" };

    private static readonly HashSet<string> Weekdays = new(StringComparer.OrdinalIgnoreCase)
    {
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today", "yesterday", "tonight", "earlier", "later",
    };

    private const int MaxPhraseWords = 9;

    public static bool IsVerb(IReadOnlyList<Token> tokens, int index)
    {
        var token = tokens[index];

        // Lower case only: "United States", "Says Who" are not speech.
        if (!token.IsWord || char.IsUpper(token.Text[0]))
        {
            return false;
        }

        if (token.Is("according"))
        {
            return index + 1 < tokens.Count && tokens[index + 1].Is("to");
        }

        if (token.Is("per"))
        {
            return index > 0 && tokens[index - 1].Is("as");
        }

        // "the reports", "his claims", "these notes": a noun after a determiner.
        if (index > 0 && Determiners.Contains(tokens[index - 1].Text) && !tokens[index - 1].Is("that"))
        {
            return false;
        }

        return token.IsIn(Lexicon.SpeechVerbs) || token.IsIn(Lexicon.ReportingVerbs);
    }

    /// <summary>The attribution right after a quotation: "“X,” Cook said", "“X,” said Gen. Dunford".</summary>
    public static SpeechAct? Trailing(IReadOnlyList<Token> tokens, int quote)
    {
        var skipped = 0;
        for (var index = quote + 1; index < tokens.Count && index - quote - skipped <= MaxPhraseWords + 3; index++)
        {
            var token = tokens[index];

            // "“X,” one diplomat, who asked not to be named, told ...": step over the relative clause.
            if (token.IsComma && index + 1 < tokens.Count && tokens[index + 1].IsIn(Relatives))
            {
                var close = index + 1;
                while (close < tokens.Count && !tokens[close].IsComma && !tokens[close].IsQuote)
                {
                    close++;
                }

                skipped += close - index;
                index = close;
                continue;
            }

            if (token.IsQuote || (token.IsPunctuation && !token.IsComma) || (token.IsIn(Lexicon.PhraseBreaks) && !token.Is("and")) ||
                (token.IsIn(Prepositions) && !IsVerb(tokens, index)))
            {
                return null;
            }

            if (IsVerb(tokens, index))
            {
                return index == FirstWordAfter(tokens, quote) ? Inverted(tokens, index) : Act(tokens, index, quote + 1);
            }
        }

        return null;
    }

    /// <summary>The nearest speech verb before a quotation in its sentence: "Cook said officials are “looking...”".</summary>
    /// <summary>The sentence's own subject, for a verb that shares it ("Dunford declined ..., but said").</summary>
    public static List<Token> SentenceSubject(IReadOnlyList<Token> tokens)
    {
        // "On Sunday, the newspaper ...", "According to the response, Mantashe ...": the subject follows the opening phrase.
        var start = 0;
        if (tokens.Count > 0 && tokens[0].IsIn(Lexicon.SentenceOpeners) && !Lexicon.Pronouns.Contains(tokens[0].Text) && !Determiners.Contains(tokens[0].Text))
        {
            for (var index = 1; index < Math.Min(tokens.Count, 12); index++)
            {
                if (tokens[index].IsComma)
                {
                    start = index + 1;
                    break;
                }
            }
        }

        var subject = new List<Token>();
        if (start < tokens.Count && Determiners.Contains(tokens[start].Text) && !tokens[start].Is("that"))
        {
            // "the newspaper published ...": the determiner's noun phrase, up to what reads as its verb.
            subject.Add(tokens[start]);
            foreach (var token in tokens.Skip(start + 1).Take(6))
            {
                if (!token.IsWord || token.IsIn(Lexicon.PhraseBreaks) || token.IsIn(Lexicon.Adverbs) || token.IsIn(Lexicon.Auxiliaries) ||
                    (!token.IsCapitalized && (token.Lower.EndsWith("ed", StringComparison.Ordinal) || token.IsIn(Lexicon.SpeechVerbs))))
                {
                    break;
                }

                subject.Add(token);
            }

            return subject.Count > 1 ? subject : [];
        }

        foreach (var token in tokens.Skip(start))
        {
            if (!token.IsWord || !(token.IsCapitalized || token.IsIn(Lexicon.TitleWords) || (subject.Count == 0 && Determiners.Contains(token.Text)) ||
                                   (subject.Count > 0 && token.Is("of"))))
            {
                break;
            }

            subject.Add(token);
        }

        return subject;
    }

    public static SpeechAct? Leading(IReadOnlyList<Token> tokens, int quote)
    {
        for (var index = quote - 1; index >= 0; index--)
        {
            if (IsVerb(tokens, index))
            {
                return Act(tokens, index, FloorBefore(tokens, index)) ?? Inverted(tokens, index);
            }
        }

        return null;
    }

    /// <summary>A speech verb later in the sentence, after other quotations: "A “small group” ..., “simply ...,” Cook said."</summary>
    public static SpeechAct? Later(IReadOnlyList<Token> tokens, int quote)
    {
        for (var index = quote + 1; index < tokens.Count; index++)
        {
            if (IsVerb(tokens, index) && !tokens[index].Lower.EndsWith("ing", StringComparison.Ordinal))
            {
                return Act(tokens, index, FloorBefore(tokens, index)) ?? Inverted(tokens, index);
            }
        }

        return null;
    }

    /// <summary>Every speech act of a sentence, in order (for indirect speech and echoes).</summary>
    public static IEnumerable<SpeechAct> All(IReadOnlyList<Token> tokens)
    {
        for (var index = 0; index < tokens.Count; index++)
        {
            if (IsVerb(tokens, index) && (Act(tokens, index, FloorBefore(tokens, index)) ?? Inverted(tokens, index)) is { } act)
            {
                yield return act;
            }
        }
    }

    private static int FirstWordAfter(IReadOnlyList<Token> tokens, int quote)
    {
        var index = quote + 1;
        while (index < tokens.Count && tokens[index].IsComma)
        {
            index++;
        }

        return index;
    }

    private static int FloorBefore(IReadOnlyList<Token> tokens, int index)
    {
        for (var i = index - 1; i >= 0; i--)
        {
            if (tokens[i].IsQuote)
            {
                return i + 1;
            }
        }

        return 0;
    }

    /// <summary>"X said", with X walked back from the verb; participles and bare coordinated verbs share the sentence's speaker.</summary>
    private static SpeechAct? Act(IReadOnlyList<Token> tokens, int verb, int floor)
    {
        if (tokens[verb].Is("according") || tokens[verb].Is("per"))
        {
            return Inverted(tokens, verb);
        }

        var verbText = VerbPhrase(tokens, verb);
        var index = verb - 1;
        while (index >= floor && (tokens[index].IsIn(Lexicon.Adverbs) || tokens[index].IsIn(Lexicon.Auxiliaries)))
        {
            index--;
        }

        if (tokens[verb].Lower.EndsWith("ing", StringComparison.Ordinal) || (index >= floor && (tokens[index].Is("but") || tokens[index].Is("and"))))
        {
            return new SpeechAct(verb, verbText, [], null, SubjectPlace.Shared, null);
        }

        if (index >= floor && tokens[index].IsComma)
        {
            // "Peter Cook, a Pentagon spokesman, said" / "Cook, instead, described" / "Cook, who ..., said"
            var segmentEnd = index;
            var segmentStart = index;
            while (segmentStart - 1 >= floor && tokens[segmentStart - 1].IsWord && segmentEnd - segmentStart < 24)
            {
                segmentStart--;
            }

            var segment = tokens.Skip(segmentStart).Take(segmentEnd - segmentStart).ToList();
            if (segment.Count == 0 || segmentStart - 1 < floor || !tokens[segmentStart - 1].IsComma)
            {
                return null;
            }

            if (segment.All(token => token.IsIn(Lexicon.Adverbs) || token.Is("however") || token.Is("though")))
            {
                index = segmentStart - 2;
            }
            else if (IsAppositive(segment))
            {
                var name = PhraseEndingAt(tokens, segmentStart - 2, floor);
                if (name.Count == 0)
                {
                    return null;
                }

                var role = Relatives.Contains(segment[0].Text) ? null : string.Join(' ', segment.Select(token => token.Text));
                return new SpeechAct(verb, verbText, name, role, SubjectPlace.Before, null);
            }
            else if (segment.All(token => token.IsCapitalized || token.IsIn(Lexicon.TitleWords)))
            {
                // "The spokesman, John Kirby, added": the name between the commas speaks; the description is the role.
                var description = PhraseEndingAt(tokens, segmentStart - 2, floor);
                var role = description.Count > 0 && Determiners.Contains(description[0].Text) ? string.Join(' ', description.Select(token => token.Text)) : null;
                return new SpeechAct(verb, verbText, segment, role, SubjectPlace.Before, null);
            }
            else
            {
                return null;
            }
        }

        var subject = PhraseEndingAt(tokens, index, floor);
        if (subject.Count == 0)
        {
            return null;
        }

        // "officials who spoke on condition of anonymity said": the phrase before "who" is the speaker.
        var before = index - subject.Count;
        if (before >= floor && tokens[before].IsIn(Relatives) && subject.All(token => !token.IsCapitalized))
        {
            var head = PhraseEndingAt(tokens, before - 1, floor);
            if (head.Count > 0)
            {
                var writtenAs = string.Join(' ', tokens.Skip(before - head.Count).Take(index - (before - head.Count) + 1).Select(token => token.Text));
                return new SpeechAct(verb, verbText, head, null, SubjectPlace.Before, writtenAs);
            }
        }

        return new SpeechAct(verb, verbText, subject, null, SubjectPlace.Before, null);
    }

    private static bool IsAppositive(List<Token> segment) =>
        Determiners.Contains(segment[0].Text) || Relatives.Contains(segment[0].Text) || !segment[0].IsCapitalized ||
        segment[0].IsIn(Lexicon.TitleWords);

    /// <summary>"said Marine Gen. Joseph Dunford, chairman of ...", "according to X", "concluded the AFRICOM press release".</summary>
    private static SpeechAct? Inverted(IReadOnlyList<Token> tokens, int verb)
    {
        var start = verb + 1;
        if (tokens[verb].Is("according"))
        {
            start++;
        }

        var subject = PhraseStartingAt(tokens, start);
        if (subject.Count == 0 || !(subject.Any(token => token.IsCapitalized) || Determiners.Contains(subject[0].Text)))
        {
            return null;
        }

        string? role = null;
        var after = start + subject.Count;
        if (after < tokens.Count && tokens[after].IsComma)
        {
            var appositive = PhraseStartingAt(tokens, after + 1);
            if (appositive.Count > 0 && IsAppositive(appositive))
            {
                role = string.Join(' ', appositive.Select(token => token.Text));
            }
        }

        return new SpeechAct(verb, VerbPhrase(tokens, verb), subject, role, SubjectPlace.After, null);
    }

    /// <summary>A noun phrase read backwards from <paramref name="end"/> (inclusive): it stops at a determiner (kept), punctuation, a quotation or a clause word.</summary>
    private static List<Token> PhraseEndingAt(IReadOnlyList<Token> tokens, int end, int floor)
    {
        var start = end + 1;
        for (var index = end; index >= floor && end - index < MaxPhraseWords; index--)
        {
            var token = tokens[index];
            if (!token.IsWord || token.IsIn(Lexicon.PhraseBreaks) || IsVerb(tokens, index) || token.IsIn(Relatives) ||
                (start <= end && (token.IsIn(Lexicon.Adverbs) || token.IsIn(Weekdays))))
            {
                break;
            }

            start = index;
            if (Determiners.Contains(token.Text))
            {
                break;
            }
        }

        // A phrase does not start with a verb form or a preposition ("released yesterday", "in Washington" alone).
        while (start <= end && !tokens[start].IsCapitalized && !Determiners.Contains(tokens[start].Text) &&
               (tokens[start].IsIn(Prepositions) || tokens[start].Lower.EndsWith("ed", StringComparison.Ordinal) ||
                tokens[start].Lower.EndsWith("ing", StringComparison.Ordinal)))
        {
            start++;
        }

        return start > end ? [] : [.. tokens.Skip(start).Take(end - start + 1)];
    }

    /// <summary>A noun phrase read forwards: "Marine Gen. Joseph Dunford", "the AFRICOM press release", "a spokesman for the ministry".</summary>
    private static List<Token> PhraseStartingAt(IReadOnlyList<Token> tokens, int start)
    {
        var phrase = new List<Token>();
        for (var index = start; index < tokens.Count && phrase.Count < MaxPhraseWords; index++)
        {
            var token = tokens[index];
            var describes = phrase.Count > 0 && (Determiners.Contains(phrase[0].Text) || !phrase[0].IsCapitalized);
            if (!token.IsWord || IsVerb(tokens, index) || token.IsIn(Relatives) || token.IsIn(Weekdays) ||
                (token.IsIn(Lexicon.PhraseBreaks) && !(describes && token.Is("for"))) ||
                (token.IsIn(Prepositions) && !(describes && token.Is("of"))) || (phrase.Count > 0 && token.IsIn(Lexicon.Adverbs)))
            {
                break;
            }

            phrase.Add(token);
        }

        while (phrase.Count > 0 && (phrase[^1].Is("of") || phrase[^1].Is("for") || Determiners.Contains(phrase[^1].Text)))
        {
            phrase.RemoveAt(phrase.Count - 1);
        }

        return phrase;
    }

    /// <summary>The verb as printed, with its audience when it has one ("told reporters", "according to").</summary>
    private static string VerbPhrase(IReadOnlyList<Token> tokens, int verb)
    {
        var text = tokens[verb].Text;
        if (tokens[verb].Is("according"))
        {
            return "according to";
        }

        if (tokens[verb].Is("per"))
        {
            return "as per";
        }

        if (tokens[verb].Lower is "told" or "tells" or "tell" or "telling")
        {
            // The audience: "told reporters", "told a news briefing".
            var words = new List<string> { text.ToLowerInvariant() };
            for (var index = verb + 1; index < tokens.Count && words.Count < 5; index++)
            {
                var token = tokens[index];
                if (!token.IsWord || token.IsIn(Lexicon.PhraseBreaks) || token.IsIn(Prepositions) ||
                    token.IsIn(Weekdays) || token.IsIn(Lexicon.Adverbs))
                {
                    break;
                }

                words.Add(token.Text);
            }

            return string.Join(' ', words);
        }

        return text.ToLowerInvariant();
    }
}
