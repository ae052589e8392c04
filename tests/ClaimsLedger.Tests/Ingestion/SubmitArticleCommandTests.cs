using System.Text;
using ClaimsLedger.Ingestion.Submitting;
using Shouldly;

namespace ClaimsLedger.Tests.Ingestion;

/// <summary>What <c>submit-article</c> sends: the body the offsets count from, and the header's facts unless flags say otherwise.</summary>
public class SubmitArticleCommandTests
{
    private const string CorpusFormat =
        "title: Talks \"over for now\"\noutlet: Example Wire\npublished: 2016-02-03\nurl: https://example.org/talks\n\n" +
        "Talks \"over for now\"\n\n\"It is over,\" Smith told reporters.\n";

    [Fact]
    public void A_file_with_the_corpus_header_sends_its_body_with_the_headers_outlet_title_url_and_date()
    {
        var (request, problem) = SubmitArticleCommand.BuildRequest(Encoding.UTF8.GetBytes(CorpusFormat), html: false, new SubmitArticleInput());

        problem.ShouldBeNull();
        request!.Text.ShouldBe("Talks \"over for now\"\n\n\"It is over,\" Smith told reporters.\n");
        request.Html.ShouldBeNull();
        request.Outlet.ShouldBe("Example Wire");
        request.Title.ShouldBe("Talks \"over for now\"");
        request.Url.ShouldBe("https://example.org/talks");
        request.PublishedAt.ShouldBe("2016-02-03");
    }

    [Fact]
    public void Flags_override_the_header()
    {
        var input = new SubmitArticleInput { OutletFlag = "Other Wire", PublishedFlag = "2016-02", SourceUrlFlag = "https://example.org/other", TitleFlag = "T" };

        var (request, _) = SubmitArticleCommand.BuildRequest(Encoding.UTF8.GetBytes(CorpusFormat), html: false, input);

        request.ShouldNotBeNull();
        (request.Outlet, request.PublishedAt, request.Url, request.Title).ShouldBe(("Other Wire", "2016-02", "https://example.org/other", "T"));
    }

    [Fact]
    public void Html_is_sent_as_html_for_the_service_to_reduce()
    {
        const string page = "<html><head><title>T</title><script>alert(1)</script></head><body><p>“Hi,” he said.</p></body></html>";

        var (request, problem) = SubmitArticleCommand.BuildRequest(Encoding.UTF8.GetBytes(page), html: true, new SubmitArticleInput { OutletFlag = "Example" });

        problem.ShouldBeNull();
        request!.Html.ShouldBe(page);
        request.Text.ShouldBeNull();
    }

    [Fact]
    public void Without_an_outlet_or_with_unreadable_bytes_nothing_is_sent()
    {
        SubmitArticleCommand.BuildRequest(Encoding.UTF8.GetBytes("\"Hi,\" he said."), html: false, new SubmitArticleInput())
            .Problem.ShouldNotBeNull().ShouldContain("--outlet");
        SubmitArticleCommand.BuildRequest([0x48, 0x00, 0xFF, 0xFE], html: false, new SubmitArticleInput { OutletFlag = "Example" })
            .Request.ShouldBeNull();
    }
}
