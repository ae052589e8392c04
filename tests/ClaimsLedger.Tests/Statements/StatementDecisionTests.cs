using System.Collections.Immutable;
using ClaimsLedger.Infrastructure;
using ClaimsLedger.Statements;
using ClaimsLedger.Statements.AddingSources;
using ClaimsLedger.Statements.AssessingStances;
using ClaimsLedger.Statements.CorrectingQuotes;
using ClaimsLedger.Statements.Retracting;
using ClaimsLedger.Statements.Withdrawing;
using Shouldly;

namespace ClaimsLedger.Tests.Statements;

/// <summary>Given a statement, when a command, then these events: the decisions alone, no host.</summary>
public sealed class StatementDecisionTests
{
    private static readonly Guid Libya = Guid.NewGuid();

    private static readonly Statement Recorded = Statement.Create(new StatementRecorded(
        Guid.NewGuid(),
        new Attribution(Guid.NewGuid(), "Peter Cook", null, "Pentagon spokesman", Guid.NewGuid(), "U.S. Department of Defense"),
        "looking at military options",
        QuoteKind.Partial,
        StatedTime.Parse("2016-01-27"),
        [Libya],
        new Source("i-HLS", "https://i-hls.com/archives/68094", null, null, null, 423, 450, null)));

    [Fact]
    public void Correcting_a_quote_to_what_it_already_says_appends_nothing() =>
        CorrectQuoteEndpoint.Decide(new CorrectQuote("looking at military options", null, "typo", 1), Recorded).ShouldBeEmpty();

    [Fact]
    public void Correcting_a_quote_records_the_new_words_and_why()
    {
        var events = CorrectQuoteEndpoint.Decide(new CorrectQuote("looking at the military options", QuoteKind.Partial, "Transcript check", 1), Recorded);

        events.ShouldBe([new QuoteCorrected(Recorded.Id, "looking at the military options", QuoteKind.Partial, "Transcript check")]);
    }

    [Fact]
    public void Assessing_the_same_stance_again_appends_nothing_and_a_new_reading_appends_one()
    {
        var assessed = Recorded.Apply(new StanceAssessed(Recorded.Id, Libya, "considering-options", null));

        AssessStanceEndpoint.Decide(new AssessStance(Libya, "considering-options", null, 2), assessed).ShouldBeEmpty();
        AssessStanceEndpoint.Decide(new AssessStance(Libya, "assessing", "re-read", 2), assessed)
            .ShouldBe([new StanceAssessed(Recorded.Id, Libya, "assessing", "re-read")]);
    }

    [Fact]
    public void The_same_article_is_not_added_twice_as_a_source()
    {
        var again = new AddSource(new SourceInput("i-HLS", "HTTPS://i-hls.com/archives/68094"), 1);
        var another = new AddSource(new SourceInput("DW", "https://www.dw.com/en/us-mulls-new-military-campaign-in-libya/a-19010587"), 1);

        AddSourceEndpoint.Decide(again, Recorded).ShouldBeEmpty();
        AddSourceEndpoint.Decide(another, Recorded).Single().ShouldBeOfType<SourceAdded>().Source.Outlet.ShouldBe("DW");
    }

    [Fact]
    public void Retracting_or_withdrawing_twice_appends_nothing_the_second_time()
    {
        var retracted = Recorded.Apply(new StatementRetracted(Recorded.Id, StatedTime.Parse("2016-02"), null, null));
        var withdrawn = Recorded.Apply(new StatementWithdrawn(Recorded.Id, "Recorded against the wrong speaker"));

        RetractStatementEndpoint.Decide(new RetractStatement("2016-02", null, null, 2), retracted).ShouldBeEmpty();
        WithdrawStatementEndpoint.Decide(new WithdrawStatement("again", 2), withdrawn).ShouldBeEmpty();
        WithdrawStatementEndpoint.Decide(new WithdrawStatement("wrong article", 1), Recorded)
            .ShouldBe([new StatementWithdrawn(Recorded.Id, "wrong article")]);
    }

    [Fact]
    public void Assessing_a_stance_on_a_new_topic_adds_the_topic_to_the_statement()
    {
        var other = Guid.NewGuid();

        var state = Recorded.Apply(new StanceAssessed(Recorded.Id, other, "assessing", null));

        state.TopicIds.ShouldBe(ImmutableList.Create(Libya, other));
    }
}
