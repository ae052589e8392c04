using System.Text;
using ClaimsLedger.Speakers;
using ClaimsLedger.Statements;

namespace ClaimsLedger.Ingestion.Extraction;

/// <summary>How a candidate's speaker was found, strongest first.</summary>
public enum AttributionRoute
{
    /// <summary>"“X,” Cook said" / "“X,” said Cook".</summary>
    Trailing,

    /// <summary>"Cook said officials are “X”".</summary>
    Leading,

    /// <summary>The sentence's closing attribution covers an earlier fragment: "A “X” ..., “Y,” Cook said."</summary>
    SentenceEnd,

    /// <summary>The second part of a quote split by its attribution, or a quotation continuing the previous speaker's.</summary>
    Continuation,

    /// <summary>The words are a speaker's, quoted elsewhere in the article (headlines; quotes credited to an outlet).</summary>
    Echo,

    /// <summary>Reported speech: "Cook said the US is looking at ...".</summary>
    Reported,

    /// <summary>Nobody: a headline's quotation, or a passive "it was noted that".</summary>
    Unattributed,
}

/// <summary>
/// A statement the extractor proposes: the span [Start, End) of the quoted (or, for indirect speech,
/// reported) words in the article body, who it credits, and how sure it is.
/// </summary>
public sealed record QuoteCandidate(
    int Start,
    int End,
    string Quote,
    QuoteKind Kind,
    string Speaker,
    string? SpeakerAsWritten,
    SpeakerKind SpeakerKind,
    string? SpeakerRole,
    string? Verb,
    double Confidence,
    AttributionRoute Route,
    int? SplitGroup);

/// <summary>
/// Finds the quotations of an English news article and attributes each as a careful reader would,
/// with rules about reporting style (speech verbs, appositives, inverted attributions, pronouns,
/// continuation paragraphs, headlines, scare quotes), never about particular articles.
/// </summary>
public static class QuoteExtractor
{
    public const string UnattributedHeadline = "unattributed (headline)";
    public const string UnattributedPassive = "unattributed (passive voice)";

    private const int MaxEchoSearches = 200;

    private sealed record Found(QuoteSpan Span, Sentence Sentence, List<Token> Tokens, int TokenIndex, bool Headline)
    {
        public ArticleSpeaker? Speaker { get; set; }

        public SpeechAct? Act { get; set; }

        public AttributionRoute Route { get; set; } = AttributionRoute.Unattributed;

        public QuoteKind Kind { get; set; } = QuoteKind.Partial;

        public int? SplitGroup { get; set; }

        public bool Dropped { get; set; }

        /// <summary>Attributed by the voice of a preceding sentence of reported speech, not a quotation's attribution.</summary>
        public bool FromReportedVoice { get; set; }
    }

    public static IReadOnlyList<QuoteCandidate> Extract(ArticleText article)
    {
        var text = article.Body;
        var paragraphs = TextLayout.Paragraphs(text);
        var spans = TextLayout.Quotes(text, paragraphs);
        var speakers = new ArticleSpeakers(text, article.Outlet);
        var titleKey = article.Title is null ? null : EchoKey(article.Title);

        var found = new List<Found>();
        var heard = new List<ArticleSpeaker>();
        var indirect = new List<QuoteCandidate>();
        var echoes = new List<(string Key, ArticleSpeaker Speaker, int At)>();
        var splitGroups = 0;
        Voice? lastVoice = null;

        var spansByParagraph = spans.ToLookup(span => span.Paragraph);
        foreach (var paragraph in paragraphs)
        {
            var paragraphText = text[paragraph.Start..paragraph.End];
            var headline = titleKey is not null ? EchoKey(paragraphText) == titleKey : paragraph.Index == 0 && LooksLikeHeadline(paragraphText);
            var paragraphSpans = spansByParagraph[paragraph.Index].ToList();
            foreach (var sentence in TextLayout.Sentences(text, paragraph, paragraphSpans))
            {
                var tokens = Token.Of(text, sentence, paragraphSpans);
                var sentenceQuotes = new List<Found>();
                var acts = headline ? [] : SpeechActs.All(tokens).ToList();
                var resolved = new Dictionary<int, ArticleSpeaker>();
                ArticleSpeaker? ResolveAct(SpeechAct act)
                {
                    if (resolved.TryGetValue(act.VerbIndex, out var known))
                    {
                        return known;
                    }

                    ArticleSpeaker? speaker;
                    if (act.Place == SubjectPlace.Shared)
                    {
                        // "X said ..., but admitted ...", "“...,” X predicted, adding that": the sentence's main speaker.
                        var earlier = acts.Where(other => other.VerbIndex < act.VerbIndex && other.Place != SubjectPlace.Shared).ToList();
                        var main = earlier.FirstOrDefault(other => !IsPronoun(other)) ?? earlier.FirstOrDefault();
                        var subject = SpeechActs.SentenceSubject(tokens);
                        speaker = main is not null ? ResolveAct(main) : subject.Count > 0 ? speakers.Resolve(subject, null, null, tokens[0].Start, heard) : null;
                    }
                    else
                    {
                        speaker = speakers.Resolve(act.Subject, act.Role, act.WrittenAs, act.Subject[0].Start, heard);
                    }

                    if (speaker is not null)
                    {
                        resolved[act.VerbIndex] = speaker;
                    }

                    return speaker;
                }

                for (var index = 0; index < tokens.Count; index++)
                {
                    if (tokens[index].Quote is not { } span)
                    {
                        continue;
                    }

                    var quote = new Found(span, sentence, tokens, index, headline);
                    found.Add(quote);
                    sentenceQuotes.Add(quote);
                    if (headline)
                    {
                        continue;
                    }

                    if (IsScareQuote(tokens, index))
                    {
                        quote.Dropped = true;
                        continue;
                    }

                    Attribute(quote, found, ResolveAct, () => ++splitGroups, lastVoice);
                    if (quote.Speaker is not null && quote.Speaker.IsOutlet)
                    {
                        // The publication's words, or its report of somebody's: settled by echo below.
                        quote.Speaker = null;
                        quote.Route = AttributionRoute.Unattributed;
                    }

                    quote.Kind = KindOf(text, quote, sentenceQuotes, ref splitGroups);
                    if (quote.Speaker is not null)
                    {
                        lastVoice = new Voice(quote.Speaker, paragraph.Index, quote.Route != AttributionRoute.Continuation || lastVoice?.FromQuote == true);
                    }
                }

                foreach (var act in acts)
                {
                    if (ResolveAct(act) is { } speaker)
                    {
                        heard.Add(speaker);
                        if (!sentenceQuotes.Any(quote => quote.Act == act))
                        {
                            lastVoice = new Voice(speaker, paragraph.Index, FromQuote: false);
                        }

                        if (!speaker.IsOutlet)
                        {
                            var clause = ClauseAfter(tokens, act);
                            if (clause.Count > 0)
                            {
                                echoes.Add((EchoKey(string.Join(' ', clause.Select(token => token.Text))), speaker, tokens[act.VerbIndex].Start));
                            }
                        }
                    }
                }

                // The sentence's own subject, when it names a person, is who a later "he" or "she" means.
                if (!headline && SpeechActs.SentenceSubject(tokens) is { Count: > 0 } named && named.All(token => token.IsCapitalized) &&
                    speakers.Resolve(named, null, null, named[0].Start, heard) is { Kind: SpeakerKind.Person, Resolved: true } mentioned &&
                    !Lexicon.Pronouns.Contains(mentioned.AsWritten))
                {
                    heard.Add(mentioned);
                }

                if (!headline)
                {
                    indirect.AddRange(IndirectSpeech.Find(text, tokens, acts, ResolveAct,
                        [.. sentenceQuotes.Select(item => (item.TokenIndex, item.Speaker, item.Dropped))]));
                }
            }
        }

        CarryBackOverParagraphs(found, () => ++splitGroups);
        ResolveEchoes(found, echoes);
        var candidates = new List<QuoteCandidate>();
        foreach (var quote in found.Where(quote => !quote.Dropped))
        {
            if (ToCandidate(text, quote) is { } candidate)
            {
                candidates.Add(candidate);
            }
        }

        // Quotations do not overlap one another, so in start order those overlapping a clause are one run.
        candidates.Sort((left, right) => left.Start.CompareTo(right.Start));
        var starts = candidates.Select(candidate => candidate.Start).ToArray();
        candidates.AddRange(indirect.Where(reported => !CoveredByQuote(candidates, starts, reported)).ToList());
        return [.. candidates.OrderBy(candidate => candidate.Start)];
    }

    /// <summary>A reported clause that is mostly one quotation's words is that quotation, not a second statement.</summary>
    private static bool CoveredByQuote(List<QuoteCandidate> quotes, int[] starts, QuoteCandidate reported)
    {
        var index = Array.BinarySearch(starts, reported.Start);
        for (var at = Math.Max(0, (index < 0 ? ~index : index) - 1); at < starts.Length && quotes[at].Start < reported.End; at++)
        {
            var quote = quotes[at];
            if (quote.Start < reported.End && reported.Start < quote.End && quote.End - quote.Start >= (reported.End - reported.Start) / 2)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Who spoke last, and whether through a quotation (a continuing quote) or in reported speech.</summary>
    private sealed record Voice(ArticleSpeaker Speaker, int Paragraph, bool FromQuote);

    private static bool IsPronoun(SpeechAct act) => act.Subject.Count == 1 && Lexicon.Pronouns.Contains(act.Subject[0].Text);

    /// <summary>
    /// A quotation that runs into the next paragraph and is attributed only at its end ("“... \n\n “...,”
    /// Shabangu said") belongs, every part of it, to that speaker.
    /// </summary>
    private static void CarryBackOverParagraphs(List<Found> found, Func<int> newSplitGroup)
    {
        for (var index = found.Count - 2; index >= 0; index--)
        {
            var (part, next) = (found[index], found[index + 1]);
            if (part.Dropped || part.Headline || !part.Span.ContinuesIntoNext || next.Speaker is not { IsOutlet: false } ||
                next.Span.Paragraph != part.Span.Paragraph + 1)
            {
                continue;
            }

            // The closing part's own attribution outweighs a guess from the sentences before the opening part.
            if (part.Speaker is null || part.FromReportedVoice)
            {
                (part.Speaker, part.Act, part.Route, part.FromReportedVoice) = (next.Speaker, next.Act, AttributionRoute.Continuation, false);
            }

            if (part.Speaker == next.Speaker)
            {
                next.SplitGroup ??= part.SplitGroup ?? newSplitGroup();
                part.SplitGroup = next.SplitGroup;
            }
        }
    }

    private static void Attribute(Found quote, List<Found> found, Func<SpeechAct, ArticleSpeaker?> resolve, Func<int> newSplitGroup, Voice? lastVoice)
    {
        var tokens = quote.Tokens;
        var index = quote.TokenIndex;
        var attempts = new (SpeechAct? Act, AttributionRoute Route)[]
        {
            (SpeechActs.Trailing(tokens, index), AttributionRoute.Trailing),
            (SpeechActs.Leading(tokens, index), AttributionRoute.Leading),
            (SpeechActs.Later(tokens, index), AttributionRoute.SentenceEnd),
        };

        foreach (var (act, route) in attempts)
        {
            if (act is not null && resolve(act) is { } speaker)
            {
                (quote.Act, quote.Speaker, quote.Route) = (act, speaker, route);
                return;
            }
        }

        // A paragraph opening inside a quotation continued from the one before keeps its speaker.
        var onlyQuote = tokens.All(token => token.IsQuote ? token == tokens[index] : token.IsPunctuation);
        Found? previous = null;
        for (var at = found.Count - 2; at >= 0 && previous is null; at--)
        {
            previous = found[at] is { Dropped: false, Headline: false } candidate ? candidate : null;
        }

        if (previous?.Speaker is not null && !previous.Speaker.IsOutlet && previous.Span.ContinuesIntoNext &&
            previous.Span.Paragraph == quote.Span.Paragraph - 1 && index == 0)
        {
            (quote.Act, quote.Speaker, quote.Route) = (previous.Act, previous.Speaker, AttributionRoute.Continuation);

            // One utterance over a paragraph break.
            previous.SplitGroup ??= newSplitGroup();
            quote.SplitGroup = previous.SplitGroup;
            return;
        }

        // A sentence that is nothing but a quotation carries on the voice of this paragraph or the one
        // before: "“X,” Cook said. “Y.”", or "Lekorotsoana suggested that ...\n\n“Y.”".
        if (onlyQuote && lastVoice is { Speaker.IsOutlet: false } voice && voice.Paragraph >= quote.Span.Paragraph - 1)
        {
            (quote.Act, quote.Speaker, quote.Route) = (previous?.Speaker == voice.Speaker ? previous.Act : null, voice.Speaker, AttributionRoute.Continuation);
            quote.FromReportedVoice = !voice.FromQuote;
        }
    }

    /// <summary>"the so-called “shaping operations”", "the word “hubs”": a term, not somebody's statement.</summary>
    private static bool IsScareQuote(List<Token> tokens, int index)
    {
        var before = index - 1;
        while (before >= 0 && (tokens[before].Is("the") || tokens[before].Is("a") || tokens[before].Is("an")))
        {
            before--;
        }

        if (before < 0)
        {
            return false;
        }

        return tokens[before].IsIn(Lexicon.ScareMarkers) ||
               (tokens[before].Is("as") && before > 0 && (tokens[before - 1].Is("known") || tokens[before - 1].Is("referred")));
    }

    /// <summary>direct: whole quoted sentences; partial: a fragment inside the reporter's sentence.</summary>
    private static QuoteKind KindOf(string text, Found quote, List<Found> sentenceQuotes, ref int splitGroups)
    {
        var content = text[quote.Span.Start..quote.Span.End];
        var tokens = quote.Tokens;
        var index = quote.TokenIndex;

        // "'X,' Obama said, 'Y.'": the part after the attribution continues the first one.
        var earlier = sentenceQuotes.LastOrDefault(other => other != quote && other.TokenIndex < index && !other.Dropped);
        if (earlier is not null && earlier.Kind == QuoteKind.Direct && earlier.Speaker is not null && quote.Speaker == earlier.Speaker &&
            FirstLetterIsLower(content) && EndsWithComma(text, earlier.Span, tokens, earlier.TokenIndex) && quote.Route == AttributionRoute.Leading &&
            tokens.Skip(earlier.TokenIndex + 1).Take(index - earlier.TokenIndex - 1).All(token => !token.IsQuote))
        {
            earlier.SplitGroup ??= ++splitGroups;
            quote.SplitGroup = earlier.SplitGroup;
            quote.Route = AttributionRoute.Continuation;
            return QuoteKind.Direct;
        }

        var words = content.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries).Length;
        var sentenceInitial = index == 0;
        var trimmed = content.TrimEnd();
        var wholeSentence = trimmed.Length > 0 && ".!?".Contains(trimmed[^1], StringComparison.Ordinal);
        if (FirstLetterIsLower(content) || !StartsWithLetter(content) || (words < 3 && !(sentenceInitial && wholeSentence)))
        {
            return QuoteKind.Partial;
        }

        var introduced = index > 0 && (tokens[index - 1].Text is ":" or "," || tokens[index - 1].Is("that") || SpeechActs.IsVerb(tokens, index - 1));
        var closesSentence = tokens.Skip(index + 1).All(token => !token.IsQuote) && (index == tokens.Count - 1 || quote.Route is AttributionRoute.Trailing);
        return sentenceInitial || (introduced && closesSentence) ? QuoteKind.Direct : QuoteKind.Partial;
    }

    private static bool EndsWithComma(string text, QuoteSpan span, List<Token> tokens, int index)
    {
        var inside = text[span.Start..span.End].TrimEnd();
        return inside.EndsWith(',') || (index + 1 < tokens.Count && tokens[index + 1].IsComma);
    }

    private static bool FirstLetterIsLower(string content) => content.FirstOrDefault(char.IsLetter) is var first && first != default && char.IsLower(first);

    private static bool StartsWithLetter(string content) =>
        content.TrimStart(' ', '[', '(', '.', '…', '-', '—').FirstOrDefault() is var first && (char.IsLetterOrDigit(first));

    /// <summary>A first paragraph with no closing punctuation, short, is the headline when no title was given.</summary>
    private static bool LooksLikeHeadline(string paragraph)
    {
        var text = paragraph.TrimEnd('"', '\u201D', '\u2019', '\'', ' ');
        return text.Length is > 0 and < 200 && !".!?:".Contains(text[^1], StringComparison.Ordinal);
    }

    /// <summary>The clause a speech act introduces ("said [that] CLAUSE"), for finding a headline's words in it.</summary>
    private static List<Token> ClauseAfter(List<Token> tokens, SpeechAct act)
    {
        var start = act.Place == SubjectPlace.After ? act.VerbIndex + 1 + act.Subject.Count : act.VerbIndex + 1;
        return [.. tokens.Skip(start)];
    }

    /// <summary>
    /// A quotation nobody in its sentence is credited with (a headline, or one a publication is said
    /// to carry) belongs to whoever the article quotes saying those words elsewhere.
    /// </summary>
    private static void ResolveEchoes(List<Found> found, List<(string Key, ArticleSpeaker Speaker, int At)> echoes)
    {
        var attributed = found.Where(other => other.Speaker is not null && other.Route != AttributionRoute.Echo)
            .Select(other => (Quote: other, Key: EchoKey(other.Tokens[other.TokenIndex].Text)))
            .ToList();
        var searched = 0;
        foreach (var quote in found.Where(quote => !quote.Dropped && quote.Speaker is null))
        {
            var key = EchoKey(quote.Tokens[quote.TokenIndex].Text);

            // Echo search compares every pair: bounded, so a text of thousands of stray quotes stays cheap.
            if (key.Length == 0 || ++searched > MaxEchoSearches)
            {
                quote.Dropped = !quote.Headline;
                continue;
            }

            var source = attributed.FirstOrDefault(other => other.Quote != quote && Contains(other.Key, key)).Quote?.Speaker
                         ?? echoes.FirstOrDefault(echo => echo.At != quote.Span.OpenAt && Contains(echo.Key, key)).Speaker;
            if (source is not null)
            {
                quote.Speaker = source;
                quote.Route = AttributionRoute.Echo;
            }
            else if (!quote.Headline)
            {
                // An unattributed fragment is a term or a publication's wording, not a statement.
                var words = key.Split(' ').Length;
                quote.Dropped = words < 5 || quote.Kind == QuoteKind.Partial;
            }
        }
    }

    private static bool Contains(string haystack, string needle) => $" {haystack} ".Contains($" {needle} ", StringComparison.Ordinal);

    /// <summary>Words only, lower case, straight marks: what two printings of the same words share.</summary>
    public static string EchoKey(string text)
    {
        var key = new StringBuilder(text.Length);
        var space = true;
        foreach (var character in text)
        {
            if (char.IsLetterOrDigit(character))
            {
                key.Append(char.ToLowerInvariant(character));
                space = false;
            }
            else if (character is '\'' or '\u2019' && key.Length > 0 && !space)
            {
                key.Append('\'');
            }
            else if (!space)
            {
                key.Append(' ');
                space = true;
            }
        }

        return key.ToString().Trim(' ', '\'');
    }

    private static QuoteCandidate? ToCandidate(string text, Found quote)
    {
        var span = quote.Span;
        var content = text[span.Start..span.End];
        if (content.Trim().Length == 0)
        {
            return null;
        }

        if (quote.Headline)
        {
            var speaker = quote.Speaker;
            return new QuoteCandidate(span.Start, span.End, content, QuoteKind.Partial, speaker?.Name ?? UnattributedHeadline, speaker?.AsWritten,
                speaker?.Kind ?? SpeakerKind.Unnamed, speaker?.Role, null, speaker is null ? 0.5 : 0.6,
                speaker is null ? AttributionRoute.Unattributed : AttributionRoute.Echo, null);
        }

        if (quote.Speaker is not { } resolved)
        {
            return new QuoteCandidate(span.Start, span.End, content, quote.Kind, "unattributed", null, SpeakerKind.Unnamed, null, null, 0.2,
                AttributionRoute.Unattributed, quote.SplitGroup);
        }

        var confidence = quote.Route switch
        {
            AttributionRoute.Trailing => 0.9,
            AttributionRoute.Leading => 0.85,
            AttributionRoute.SentenceEnd => 0.75,
            AttributionRoute.Continuation => 0.75,
            AttributionRoute.Echo => 0.6,
            _ => 0.5,
        };
        if (!resolved.Resolved || Lexicon.Pronouns.Contains(resolved.AsWritten))
        {
            confidence -= 0.1;
        }

        if (quote.FromReportedVoice)
        {
            confidence -= 0.15;
        }

        var verb = quote.Route == AttributionRoute.Echo ? null : quote.Act?.Verb;
        return new QuoteCandidate(span.Start, span.End, content, quote.Kind, resolved.Name, resolved.AsWritten, resolved.Kind, resolved.Role, verb,
            Math.Round(confidence, 2), quote.Route, quote.SplitGroup);
    }
}
