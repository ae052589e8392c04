using ClaimsLedger.Infrastructure;
using ClaimsLedger.Speakers;
using Shouldly;

namespace ClaimsLedger.Tests.Speakers;

public sealed class SpeakerRoleTests
{
    private static SpeakerRole Role(string title, string? since, string? until) =>
        new(Guid.NewGuid(), title, Guid.NewGuid(), "U.S. Department of Defense",
            since is null ? null : StatedTime.Parse(since), until is null ? null : StatedTime.Parse(until));

    [Fact]
    public void The_role_held_when_a_statement_was_made_is_the_one_it_was_made_in()
    {
        SpeakerRole[] roles = [Role("Deputy Press Secretary", "2014", "2015-06"), Role("Pentagon Press Secretary", "2015-07", null)];

        roles.RoleAt(StatedTime.Parse("2015-03-02"))!.Title.ShouldBe("Deputy Press Secretary");
        roles.RoleAt(StatedTime.Parse("2016-01-27"))!.Title.ShouldBe("Pentagon Press Secretary");
        roles.RoleAt(StatedTime.Parse("2013-05-01")).ShouldBeNull();
    }

    [Fact]
    public void A_statement_known_only_to_the_month_falls_in_a_role_that_began_that_month()
    {
        SpeakerRole[] roles = [Role("Defense secretary", "2015-02-17", null)];

        roles.RoleAt(StatedTime.Parse("2015-02"))!.Title.ShouldBe("Defense secretary");
    }

    [Fact]
    public void A_role_with_no_known_start_counts_as_held_until_it_is_left()
    {
        SpeakerRole[] roles = [Role("senior U.S. military officer (unnamed)", null, null)];

        roles.RoleAt(StatedTime.Parse("2016-01"))!.Title.ShouldBe("senior U.S. military officer (unnamed)");
    }
}
