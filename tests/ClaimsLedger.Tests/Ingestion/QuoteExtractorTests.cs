using ClaimsLedger.Ingestion.Extraction;
using ClaimsLedger.Speakers;
using ClaimsLedger.Statements;
using Shouldly;

namespace ClaimsLedger.Tests.Ingestion;

/// <summary>
/// Reporting patterns the corpus does not hold, written here as a careful reader would attribute
/// them: the rules must be about English news style, not about the development articles.
/// </summary>
public class QuoteExtractorTests
{
    private static IReadOnlyList<QuoteCandidate> Extract(string body, string? title = null) =>
        QuoteExtractor.Extract(new ArticleText(body, title));

    private static QuoteCandidate Only(string body, string quoteStart)
    {
        var candidates = Extract(body).Where(candidate => candidate.Quote.StartsWith(quoteStart, StringComparison.Ordinal)).ToList();
        candidates.Count.ShouldBe(1, $"one candidate starting “{quoteStart}” in: {string.Join(" | ", Extract(body).Select(c => c.Quote))}");
        return candidates[0];
    }

    [Theory]
    [InlineData("“We will not negotiate under fire,” said Jane Smith, a spokeswoman for the Foreign Ministry.", "We will not", "Jane Smith", "said")]
    [InlineData("“It is over,” Smith told reporters on Friday.", "It is over", "Smith", "told reporters")]
    [InlineData("Jane Smith, a ministry spokeswoman, said the talks were “over for now.”", "over for now", "Jane Smith", "said")]
    [InlineData("“Why now?” asked Senator Mark Ellis, a Democrat from Ohio.", "Why now?", "Mark Ellis", "asked")]
    [InlineData("“It’s a mess,” one diplomat, who asked not to be named, told Example Wire.", "It’s a mess", "one diplomat", "told Example Wire")]
    [InlineData("A senior EU official, speaking on condition of anonymity, said: “We are not there yet.”", "We are not there", "A senior EU official", "said")]
    [InlineData("Russia's defence ministry denied the claims, calling them “fake news” in a post.", "fake news", "Russia's defence ministry", "denied")]
    public void Attributes_a_quotation_to_the_speaker_its_sentence_names(string body, string quote, string speaker, string verb)
    {
        var candidate = Only(body, quote);
        candidate.Speaker.ShouldBe(speaker);
        candidate.Verb.ShouldBe(verb);
    }

    [Fact]
    public void A_surname_and_a_pronoun_resolve_to_the_full_name_met_earlier()
    {
        const string body = "Prime Minister Ahmed Karimi met the envoy on Monday.\n\n" +
                            "“We have nothing to add,” Karimi said.\n\n“Nothing at all,” he added.";
        Only(body, "We have").Speaker.ShouldBe("Ahmed Karimi");
        var pronoun = Only(body, "Nothing at all");
        pronoun.Speaker.ShouldBe("Ahmed Karimi");
        pronoun.SpeakerAsWritten.ShouldBe("he");
    }

    [Fact]
    public void A_title_is_resolved_by_a_later_sentence_that_names_its_holder()
    {
        const string body = "A Pentagon spokesman said the strikes would “continue as needed.” The spokesman, John Kirby, added that no decision had been made.";
        var candidate = Only(body, "continue as needed");
        candidate.Speaker.ShouldBe("John Kirby");
        candidate.SpeakerAsWritten.ShouldBe("A Pentagon spokesman");
    }

    [Fact]
    public void An_unnamed_voice_stays_its_description()
    {
        var candidate = Only("The plan, a senior military officer said, was “decisive.” Secretary Ann Lee declined to comment.", "decisive");
        candidate.Speaker.ShouldBe("a senior military officer");
        candidate.SpeakerKind.ShouldBe(SpeakerKind.Unnamed);
    }

    [Fact]
    public void A_quote_split_by_its_attribution_is_one_direct_utterance_in_two_linked_parts()
    {
        var candidates = Extract("“We are working with our partners,” the minister said on Tuesday, “to make sure we take every opportunity.”");
        candidates.Count.ShouldBe(2);
        candidates.ShouldAllBe(candidate => candidate.Kind == QuoteKind.Direct && candidate.Speaker == "the minister");
        candidates[0].SplitGroup.ShouldNotBeNull();
        candidates[1].SplitGroup.ShouldBe(candidates[0].SplitGroup);
    }

    [Fact]
    public void A_quotation_over_several_paragraphs_keeps_its_speaker()
    {
        const string body = "“This is the beginning of a long process,” said retired Gen. Sir Richard Barrons. “We are ready for it.\n\n" +
                            "“And we will not stop until every hostage is home.”\n\nThe talks resume on Monday.";
        var candidates = Extract(body);
        candidates.Select(candidate => candidate.Speaker).ShouldBe(["Richard Barrons", "Richard Barrons", "Richard Barrons"]);
        candidates[1].SplitGroup.ShouldNotBeNull();
        candidates[2].SplitGroup.ShouldBe(candidates[1].SplitGroup);
    }

    [Theory]
    [InlineData("Officials described the contacts as closer to an assessment than the so-called “shaping operations” of a campaign.")]
    [InlineData("The plan involves what planners call “lily pads” near the coast; the word “hubs” is also used.")]
    [InlineData("The Daily Planet reported that the army would build “hubs” in the region.")]
    public void Scare_quotes_and_a_publication_s_own_wording_are_nobody_s_statement(string body)
    {
        Extract(body).Where(candidate => candidate.Kind != QuoteKind.Indirect).ShouldBeEmpty();
    }

    [Fact]
    public void A_headline_quotation_is_partial_and_takes_the_speaker_who_says_those_words_in_the_body()
    {
        const string title = "Deal could come ‘any day’, general says";
        var candidates = Extract(title + "\n\n“And frankly, any day that could happen,” said Gen. Joseph Dunford.", title);
        var headline = candidates[0];
        headline.Quote.ShouldBe("any day");
        headline.Kind.ShouldBe(QuoteKind.Partial);
        headline.Speaker.ShouldBe("Joseph Dunford");
    }

    [Fact]
    public void A_headline_quotation_nobody_says_in_the_body_is_unattributed()
    {
        const string title = "U.S. weighs “Decisive Action”";
        var headline = Extract(title + "\n\nOfficials said nothing was decided.", title)[0];
        headline.Speaker.ShouldBe(QuoteExtractor.UnattributedHeadline);
        headline.Kind.ShouldBe(QuoteKind.Partial);
    }

    [Fact]
    public void A_quoted_fragment_is_partial_and_whole_sentences_are_direct()
    {
        Only("Mr Johnson said last week that the UK would 'not be found wanting'.", "not be found").Kind.ShouldBe(QuoteKind.Partial);
        Only("She added: 'Ministers have known about this for weeks.'", "Ministers").Kind.ShouldBe(QuoteKind.Direct);
        Only("\"We want to be prepared,\" Cook said.", "We want").Kind.ShouldBe(QuoteKind.Direct);
    }

    [Theory]
    [InlineData("Negotiations broke down on Friday after a week of talks, officials said.", "Negotiations broke down on Friday after a week of talks", "officials", "said")]
    [InlineData("The spokesman, John Kirby, added that no decision had been made about ground troops.", "no decision had been made about ground troops", "John Kirby", "added")]
    [InlineData("Most of the dead were recruits, according to American officials.", "Most of the dead were recruits", "American officials", "according to")]
    [InlineData("The mayor said many of the dead were foreigners who had recently arrived.", "many of the dead were foreigners who had recently arrived", "The mayor", "said")]
    public void Reported_speech_is_found_where_the_verb_makes_it_clear(string body, string clause, string speaker, string verb)
    {
        var candidate = Extract(body).Single(candidate => candidate.Kind == QuoteKind.Indirect);
        candidate.Quote.ShouldBe(clause);
        candidate.Speaker.ShouldBe(speaker);
        candidate.Verb.ShouldBe(verb);
        body[candidate.Start..candidate.End].ShouldBe(clause);
    }

    [Theory]
    [InlineData("Russia denied the claims on Tuesday.")]
    [InlineData("Cook declined to offer any details on these forces.")]
    [InlineData("In a WBT report, officials were seen leaving.")]
    public void No_reported_speech_without_a_speech_verb_and_a_clause(string body)
    {
        Extract(body).ShouldBeEmpty();
    }

    [Fact]
    public void Offsets_point_at_the_quoted_characters()
    {
        const string body = "Title line\n\n“Simply to get a sense of who the players are,” Cook said. He left. ‘‘Doubled marks,’’ concluded the release.";
        foreach (var candidate in Extract(body))
        {
            body[candidate.Start..candidate.End].ShouldBe(candidate.Quote);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("No quotation marks here at all. Just text.")]
    [InlineData("First paragraph.\n\nAn “unbalanced mark, a lone ‘ and a '' pair and a \" here.\n\nThe end.")]
    [InlineData("“")]
    [InlineData("”“”“”“")]
    public void Text_without_well_formed_quotations_gives_no_quote_candidates(string body)
    {
        Extract(body).Where(candidate => candidate.Kind != QuoteKind.Indirect).ShouldBeEmpty();
    }

    [Fact]
    public void An_article_at_the_size_limit_made_of_quotations_and_attributions_is_read_whole()
    {
        // The worst case for the attribution searches: thousands of quotes, speakers, pronouns and
        // scare quotes, repeated up to the 2 MB a text article may hold.
        string[] pieces =
        [
            "“We will act now and not later,” Smith said. ", "The official, John Doe, said the talks were over. ",
            "He noted that the “plan” was ready and the so-called “hubs” exist. ", "“Really,” ", "said Jane Roe, a spokeswoman. ",
            "“Unclosed and ‘nested’ marks ", "\n\n",
        ];
        var text = new System.Text.StringBuilder();
        var random = new Random(20160128);
        for (var bytes = 0; bytes < ArticleReader.MaxTextBytes - 100;)
        {
            var piece = pieces[random.Next(pieces.Length)];
            text.Append(piece);
            bytes += System.Text.Encoding.UTF8.GetByteCount(piece);
        }

        var body = text.ToString();
        var candidates = Extract(body);

        candidates.ShouldNotBeEmpty();
        candidates.ShouldAllBe(candidate => candidate.Start >= 0 && candidate.End <= body.Length && candidate.Start < candidate.End);
        candidates.ShouldContain(candidate => candidate.Speaker == "Smith" && candidate.Quote.StartsWith("We will act", StringComparison.Ordinal));
        candidates.ShouldNotContain(candidate => candidate.Quote == "hubs");
    }

    [Fact]
    public void A_quotation_attributed_only_after_its_last_paragraph_belongs_to_that_speaker_throughout()
    {
        const string body = "The ministry answered on Thursday.\n\n\"He never met the reporters. He takes back what he said.\n\n" +
                            "\"The minister will cooperate with the inquiry,\" Tomas Berg said.";
        var candidates = Extract(body);
        candidates.Count.ShouldBe(2);
        candidates.ShouldAllBe(candidate => candidate.Speaker == "Tomas Berg" && candidate.Kind == QuoteKind.Direct);
        candidates[0].SplitGroup.ShouldNotBeNull();
        candidates[1].SplitGroup.ShouldBe(candidates[0].SplitGroup);
    }

    [Fact]
    public void A_quotation_that_runs_on_without_reopening_its_mark_is_still_followed()
    {
        const string body = "Speaking in Geneva, Ms Anna Lind said that \"we regret the remarks. They do not help.\n\n" +
                            "And we invite our neighbours to make their proposal public.\"";
        var candidates = Extract(body).Where(candidate => candidate.Kind != QuoteKind.Indirect).ToList();
        candidates.Count.ShouldBe(2);
        candidates[1].Quote.ShouldBe("And we invite our neighbours to make their proposal public.");
        candidates.ShouldAllBe(candidate => candidate.Speaker == "Anna Lind");
    }

    [Fact]
    public void A_paragraph_that_is_only_a_quotation_carries_on_the_voice_of_the_reported_speech_before_it()
    {
        const string body = "Jonas Weber suggested that the minister had misled a journalist.\n\n\"He made those claims, I do not know why.\"";
        var quote = Only(body, "He made those claims");
        quote.Speaker.ShouldBe("Jonas Weber");
        quote.Route.ShouldBe(AttributionRoute.Continuation);
        quote.Confidence.ShouldBeLessThan(0.75);
    }

    [Fact]
    public void Titles_before_a_name_and_words_opening_a_sentence_are_not_part_of_the_name()
    {
        const string body = "Mineral Resources Minister Gwen Maseko met the board.\n\nBut Maseko said the plan was \"dead for now.\"";
        var candidate = Only(body, "dead for now");
        candidate.Speaker.ShouldBe("Gwen Maseko");
        candidate.SpeakerAsWritten.ShouldBe("Maseko");
    }

    [Fact]
    public void A_verb_that_reports_speech_only_beside_a_quotation_reports_nothing_elsewhere()
    {
        Extract("Fighter jets have continued airstrikes inside the country after the handover.").ShouldBeEmpty();
        Only("“We are not finished,” she continued.", "We are not finished").Verb.ShouldBe("continued");
    }

    [Fact]
    public void A_dateline_is_not_part_of_the_reported_clause()
    {
        var candidate = Extract("WASHINGTON (Example Wire) - The fighters posed a threat to the region, spokesman Peter Cook told a news briefing on Friday.")
            .Single(candidate => candidate.Kind == QuoteKind.Indirect);
        candidate.Quote.ShouldBe("The fighters posed a threat to the region");
        candidate.Verb.ShouldBe("told a news briefing");
    }
}
