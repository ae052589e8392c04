using System.Text;
using ClaimsLedger.Ledger;
using Shouldly;

namespace ClaimsLedger.Tests.Ledger;

public sealed class CanonicalBytesTests
{
    [Theory]
    [InlineData("0", "0")]
    [InlineData("-0", "0")]
    [InlineData("1", "1")]
    [InlineData("423", "423")]
    [InlineData("4.50", "4.5")]
    [InlineData("0.002", "0.002")]
    [InlineData("1E-7", "1e-7")]
    [InlineData("1e21", "1e+21")]
    [InlineData("1e20", "100000000000000000000")]
    [InlineData("333333333.33333329", "333333333.3333333")]
    [InlineData("-5e-324", "-5e-324")]
    [InlineData("9007199254740992", "9007199254740992")]
    public void Numbers_print_as_ecmascript_prints_them(string json, string canonical) =>
        Encoding.UTF8.GetString(CanonicalJson.Canonicalize(json)).ShouldBe(canonical);

    [Fact]
    public void Members_sort_by_utf16_code_units_and_whitespace_goes()
    {
        // RFC 8785 section 3.2.3's sorting example, reduced: "\u20ac" sorts after "\r" and before "\ud83d\ude00".
        var json = "{ \"\\u20ac\": \"Euro Sign\", \"\\r\": \"Carriage Return\", \"\\ud83d\\ude00\": \"Emoji\", \"1\": \"One\", \"\\u0080\": \"Control\" }";

        Encoding.UTF8.GetString(CanonicalJson.Canonicalize(json))
            .ShouldBe("{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\",\"€\":\"Euro Sign\",\"😀\":\"Emoji\"}");
    }

    [Fact]
    public void Strings_escape_only_what_json_requires()
    {
        Encoding.UTF8.GetString(CanonicalJson.Canonicalize("\"They\\u2019re \\u003cb\\u003e \\\"said\\\"\\n\\u0001\""))
            .ShouldBe("\"They’re <b> \\\"said\\\"\\n\\u0001\"");
    }

    private static LedgerEvent Sample(string data, string? headers) => new(
        42, Guid.Parse("3296ef9b-b00d-488e-b4ce-dadea0e6e758"), Guid.Parse("971a08e1-f5f5-8674-b427-824a5b6a038c"), 1, "organization_registered",
        DateTimeOffset.Parse("2026-11-24T20:25:02.425284+00:00", System.Globalization.CultureInfo.InvariantCulture), "*DEFAULT*", data,
        "sample-loader-recorder", "53e1deb56f68f5d491f179cba33fdbce", null, headers);

    [Fact]
    public void The_leaf_does_not_depend_on_how_the_json_was_formatted()
    {
        var compact = Sample("""{"name":"U.S. Department of Defense","aliases":["Pentagon"]}""", """{"user-roles":"recorder"}""");
        var spaced = Sample("""{ "aliases": [ "Pentagon" ], "name": "U.S. Department of Defense" }""", """{ "user-roles" : "recorder" }""");

        spaced.LeafHash().ShouldBe(compact.LeafHash());
    }

    [Fact]
    public void An_import_header_leaves_the_leaf_unchanged_but_any_other_change_does_not()
    {
        var original = Sample("""{"name":"U.S. Department of Defense"}""", """{"user-roles":"recorder"}""");
        var imported = original with { HeadersJson = """{"user-roles":"recorder","import":{"by":"alice","fileSha256":"ab"}}""" };

        imported.LeafHash().ShouldBe(original.LeafHash());
        (original with { DataJson = """{"name":"U.S. Department of Defence"}""" }).LeafHash().ShouldNotBe(original.LeafHash());
        (original with { Sequence = 43 }).LeafHash().ShouldNotBe(original.LeafHash());
        (original with { RecordedAt = original.RecordedAt.AddTicks(10) }).LeafHash().ShouldNotBe(original.LeafHash());
        (original with { User = "someone-else" }).LeafHash().ShouldNotBe(original.LeafHash());
    }

    [Fact]
    public void The_canonical_bytes_of_an_event_are_stable_across_versions()
    {
        // Pinned: if this changes, every checkpoint ever issued stops verifying (docs/ledger.md).
        var leaf = Sample("""{"name":"U.S. Department of Defense","aliases":["Pentagon"]}""", """{"user-roles":"recorder"}""").LeafHash();

        Convert.ToHexStringLower(leaf).ShouldBe(PinnedLeaf);
    }

    private const string PinnedLeaf = "ac271155de548ada307eef9c83012a8306d51efb39ef2333e923a2b4fb9aabae";
}
