using Alba;
using ClaimsLedger.Infrastructure.Http;
using ClaimsLedger.Speakers;
using ClaimsLedger.Speakers.AddingAliases;
using ClaimsLedger.Speakers.AssumingRoles;
using ClaimsLedger.Speakers.GettingDetails;
using ClaimsLedger.Speakers.LeavingRoles;
using ClaimsLedger.Speakers.Registering;
using ClaimsLedger.Statements;
using ClaimsLedger.Statements.Recording;
using ClaimsLedger.Tests.Support;
using Shouldly;

namespace ClaimsLedger.Tests.Speakers;

public sealed class SpeakerTests(AppFixture fixture) : ApiContext(fixture)
{
    [Fact]
    public async Task A_speaker_gathers_aliases_and_roles_over_time()
    {
        var pentagon = await Given.OrganizationAsync();
        var id = await Given.CreateAsync("/api/speakers", new RegisterSpeaker("Peter Cook", SpeakerKind.Person, "Pentagon Press Secretary", ["Cook"]), "recorder");

        await Given.ChangeAsync($"/api/speakers/{id}/aliases", new AddAlias("Pentagon spokesman Peter Cook", 2), "recorder");
        var role = await Given.ChangeAsync($"/api/speakers/{id}/roles", new AssumeRole("Pentagon Press Secretary", pentagon, "2015-07", null, 3), "recorder");
        var speaker = await Host.GetJsonAsync<SpeakerDetails>($"/api/speakers/{id}", Reader);
        await Given.ChangeAsync($"/api/speakers/{id}/roles/{speaker.Roles.Single().RoleId}/left", new LeaveRole("2017-01-20", role.Version), "recorder");

        var read = await Host.GetJsonAsync<SpeakerDetails>($"/api/speakers/{id}", Reader);
        read.Aliases.ShouldBe(["Cook", "Pentagon spokesman Peter Cook"]);
        var held = read.Roles.Single();
        (held.Title, held.OrganizationName, held.Since?.ToString(), held.Until?.ToString())
            .ShouldBe(("Pentagon Press Secretary", "U.S. Department of Defense", "2015-07", "2017-01-20"));
        read.Version.ShouldBe(5);
    }

    [Fact]
    public async Task An_alias_the_speaker_already_has_adds_nothing()
    {
        var id = await Given.CreateAsync("/api/speakers", new RegisterSpeaker("Peter Cook", SpeakerKind.Person, null, ["Cook"]), "recorder");

        var accepted = await Given.ChangeAsync($"/api/speakers/{id}/aliases", new AddAlias("cook", 2), "recorder");

        accepted.ShouldBe(new ChangeAccepted(id, 2, false));
    }

    [Fact]
    public async Task A_statement_takes_the_role_its_speaker_held_when_it_was_made()
    {
        var pentagon = await Given.OrganizationAsync();
        var state = await Given.OrganizationAsync("U.S. Department of State");
        var id = await Given.CreateAsync("/api/speakers", new RegisterSpeaker("John Kirby", SpeakerKind.Person), "recorder");
        await Given.ChangeAsync($"/api/speakers/{id}/roles", new AssumeRole("Pentagon Press Secretary", pentagon, "2013-12", "2015-02", 1), "recorder");
        await Given.ChangeAsync($"/api/speakers/{id}/roles", new AssumeRole("State Department spokesperson", state, "2015-05", null, 3), "recorder");

        var early = await Given.StatementAsync(id, "early words", "2014-06-01");
        var later = await Given.StatementAsync(id, "later words", "2016-01-27");

        (await Given.StatementDetailsAsync(early)).Attribution.OrganizationName.ShouldBe("U.S. Department of Defense");
        (await Given.StatementDetailsAsync(later)).Attribution.OrganizationName.ShouldBe("U.S. Department of State");
    }

    [Fact]
    public async Task Leaving_a_role_the_speaker_does_not_hold_is_a_404()
    {
        var id = await Given.CreateAsync("/api/speakers", new RegisterSpeaker("Peter Cook", SpeakerKind.Person), "recorder");

        await this.ShouldBeRefusedAsync(s =>
        {
            s.WithBearerToken(Recorder);
            s.Post.Json(new LeaveRole(null, 1)).ToUrl($"/api/speakers/{id}/roles/{Guid.NewGuid()}/left");
        }, 404, null);
    }

    [Fact]
    public async Task Unnamed_voices_are_kept_as_their_description()
    {
        var military = await Given.OrganizationAsync("U.S. military");
        var id = await Given.CreateAsync("/api/speakers",
            new RegisterSpeaker("a senior U.S. military officer", SpeakerKind.Unnamed, "Unnamed in the reporting"), "recorder");
        await Given.ChangeAsync($"/api/speakers/{id}/roles", new AssumeRole("senior U.S. military officer (unnamed)", military, null, null, 1), "recorder");

        var statement = await Given.CreateAsync("/api/statements",
            new RecordStatement(id, null, "decisive", QuoteKind.Partial, "2016-01", [], new SourceInput("i-HLS")), "recorder");

        var read = await Given.StatementDetailsAsync(statement);
        read.Attribution.SpeakerName.ShouldBe("a senior U.S. military officer");
        read.Attribution.OrganizationName.ShouldBe("U.S. military");
        read.StatedAt.ToString().ShouldBe("2016-01");
    }
}
