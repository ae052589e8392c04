using ClaimsLedger.Ingestion.Extraction;
using Shouldly;

namespace ClaimsLedger.Tests.Ingestion;

public class TextLayoutTests
{
    private static List<string> QuotesOf(string text)
    {
        var paragraphs = TextLayout.Paragraphs(text);
        return [.. TextLayout.Quotes(text, paragraphs).Select(quote => text[quote.Start..quote.End])];
    }

    private static List<string> SentencesOf(string text)
    {
        var paragraphs = TextLayout.Paragraphs(text);
        var quotes = TextLayout.Quotes(text, paragraphs);
        return [.. paragraphs.SelectMany(paragraph => TextLayout.Sentences(text, paragraph, quotes)).Select(sentence => text[sentence.Start..sentence.End])];
    }

    [Fact]
    public void Curly_straight_and_doubled_single_marks_all_delimit_quotations()
    {
        QuotesOf("He said “curly” and \"straight\" and ‘‘doubled’’ and ''typed doubled'' and ‘single’.")
            .ShouldBe(["curly", "straight", "doubled", "typed doubled", "single"]);
    }

    [Fact]
    public void Apostrophes_inside_words_do_not_close_a_single_quoted_passage()
    {
        QuotesOf("Obama said 'where we've got a clear target in Libya's west.' Then he left.")
            .ShouldBe(["where we've got a clear target in Libya's west."]);
    }

    [Fact]
    public void A_possessive_or_elision_alone_is_not_a_quotation()
    {
        QuotesOf("Friday's strike hit the country's west, officials' reports said.").ShouldBeEmpty();
    }

    [Fact]
    public void Inner_quotations_stay_inside_the_outer_one()
    {
        QuotesOf("“He told me ‘never again,’ and I believed him,” Karimi said.")
            .ShouldBe(["He told me ‘never again,’ and I believed him,"]);
    }

    [Fact]
    public void A_quotation_running_over_paragraphs_is_followed_and_a_stray_mark_is_dropped()
    {
        QuotesOf("“We are ready for it.\n\n“And we will not stop.”\n\nA stray “mark here.\n\nNext paragraph.")
            .ShouldBe(["We are ready for it.", "And we will not stop."]);
    }

    [Fact]
    public void Sentences_end_at_full_stops_but_not_at_abbreviations_or_inside_quotations()
    {
        SentencesOf("Marine Gen. Joseph Dunford met U.S. officials on Monday. Mr. Johnson said “No. Never.” Then he left.")
            .ShouldBe(["Marine Gen. Joseph Dunford met U.S. officials on Monday.", "Mr. Johnson said “No. Never.”", "Then he left."]);
    }

    [Fact]
    public void A_name_after_a_full_stop_starts_a_new_sentence()
    {
        SentencesOf("He is due in Brussels on Monday. Mr Johnson said last week that the UK would 'not be found wanting'.")
            .ShouldBe(["He is due in Brussels on Monday.", "Mr Johnson said last week that the UK would 'not be found wanting'."]);
    }
}
