using ClaimsLedger.Search.SearchingStatements;
using CsCheck;
using Shouldly;

namespace ClaimsLedger.Tests.Search;

/// <summary>The search cursor: exact, bound to its search, and never a crash whatever a client sends back.</summary>
public sealed class SearchCursorTests
{
    private static readonly StatementSearch Search = new("military options", null, null, null, "2016", null, "partial", 10, null);

    [Fact]
    public void A_cursor_reads_back_the_exact_rank_and_id_it_was_written_with()
    {
        Gen.Select(Gen.Double[0, 100], Gen.Guid).Sample((rank, id) =>
        {
            var text = new SearchCursor(rank, id).Write(Search.Fingerprint());

            SearchCursor.TryRead(text, Search.Fingerprint(), out var read).ShouldBeTrue();
            BitConverter.DoubleToInt64Bits(read.Rank).ShouldBe(BitConverter.DoubleToInt64Bits(rank));
            read.Id.ShouldBe(id);
        });
    }

    [Fact]
    public void A_cursor_is_refused_by_any_other_search()
    {
        var text = new SearchCursor(0.5, Guid.NewGuid()).Write(Search.Fingerprint());

        StatementSearch[] others =
        [
            Search with { Q = "military" },
            Search with { SpeakerId = Guid.NewGuid() },
            Search with { TopicId = Guid.NewGuid() },
            Search with { Outlet = "DW" },
            Search with { From = null },
            Search with { To = "2017" },
            Search with { Kind = "direct" },
        ];
        foreach (var other in others)
        {
            SearchCursor.TryRead(text, other.Fingerprint(), out _).ShouldBeFalse(other.ToString());
        }

        // The page size and the cursor itself are not part of the search.
        SearchCursor.TryRead(text, (Search with { Limit = 50, Cursor = text, Kind = "PARTIAL" }).Fingerprint(), out _).ShouldBeTrue();
    }

    [Fact]
    public void Whatever_a_client_sends_as_a_cursor_is_read_or_refused_never_thrown_on()
    {
        var fingerprint = Search.Fingerprint();
        Gen.String.Sample(text => SearchCursor.TryRead(text, fingerprint, out _).ShouldBeFalse());
        Gen.Char["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/"].Array[0, 60]
            .Select(chars => new string(chars))
            .Sample(text => SearchCursor.TryRead(text, fingerprint, out _).ShouldBeFalse());
        var valid = new SearchCursor(1, Guid.NewGuid()).Write(fingerprint);
        Gen.Int[0, valid.Length - 1].Select(Gen.Char['A', 'z'], (index, c) => (index, c)).Sample((index, c) =>
        {
            var changed = valid[..index] + c + valid[(index + 1)..];
            if (SearchCursor.TryRead(changed, fingerprint, out var read))
            {
                double.IsFinite(read.Rank).ShouldBeTrue();
                read.Rank.ShouldBeGreaterThanOrEqualTo(0);
            }
        });
    }
}
