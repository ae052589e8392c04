using System.Collections.Immutable;
using ClaimsLedger.Infrastructure;

namespace ClaimsLedger.Speakers;

/// <summary>Who speaks: a named person, an unnamed voice kept as its description, or an institution.</summary>
public enum SpeakerKind
{
    Person,
    Unnamed,
    Institution,
}

// Events of a speaker stream.

/// <summary>A speaker was registered ("Peter Cook"; "a senior U.S. military officer").</summary>
public sealed record SpeakerRegistered(Guid SpeakerId, string Name, SpeakerKind Kind, string? Description);

/// <summary>The speaker is also known as <paramref name="Alias"/> ("Cook", "Pentagon spokesman Peter Cook").</summary>
public sealed record AliasAdded(Guid SpeakerId, string Alias);

/// <summary>The speaker took a role, speaking for an organization from a (possibly unknown) date.</summary>
public sealed record RoleAssumed(
    Guid SpeakerId,
    Guid RoleId,
    string Title,
    Guid? OrganizationId,
    string? OrganizationName,
    StatedTime? Since);

/// <summary>The speaker left a role.</summary>
public sealed record RoleLeft(Guid SpeakerId, Guid RoleId, StatedTime? On);

/// <summary>A role as decisions see it.</summary>
public sealed record SpeakerRole(Guid RoleId, string Title, Guid? OrganizationId, string? OrganizationName, StatedTime? Since, StatedTime? Until)
{
    /// <summary>Held at <paramref name="moment"/>: started by then (or start unknown) and not yet left.</summary>
    public bool HeldAt(StatedTime moment) =>
        (Since is null || Since.Value.Start < moment.End || Since.Value.Start == moment.Start) &&
        (Until is null || moment.Start < Until.Value.End);
}

/// <summary>Write model of a speaker: what decisions about it need.</summary>
public sealed record Speaker(Guid Id, string Name, SpeakerKind Kind, ImmutableList<string> Aliases, ImmutableList<SpeakerRole> Roles)
{
    public static Speaker Create(SpeakerRegistered registered) =>
        new(registered.SpeakerId, registered.Name, registered.Kind, [], []);

    public Speaker Apply(AliasAdded added) => this with { Aliases = Aliases.Add(added.Alias) };

    public Speaker Apply(RoleAssumed assumed) => this with { Roles = Roles.Add(assumed.ToRole()) };

    public Speaker Apply(RoleLeft left) => this with { Roles = [.. Roles.Left(left)] };

    public bool IsKnownAs(string name) =>
        Name.Equals(name, StringComparison.OrdinalIgnoreCase) || Aliases.Contains(name, StringComparer.OrdinalIgnoreCase);

}

public static class SpeakerRoles
{
    /// <summary>The role most recently taken among those held at <paramref name="moment"/>.</summary>
    public static SpeakerRole? RoleAt(this IEnumerable<SpeakerRole> roles, StatedTime moment) =>
        roles.Where(role => role.HeldAt(moment)).OrderBy(role => role.Since).LastOrDefault();

    public static IEnumerable<SpeakerRole> Left(this IEnumerable<SpeakerRole> roles, RoleLeft left) =>
        roles.Select(role => role.RoleId == left.RoleId ? role with { Until = left.On ?? role.Since } : role);

    public static SpeakerRole ToRole(this RoleAssumed assumed) =>
        new(assumed.RoleId, assumed.Title, assumed.OrganizationId, assumed.OrganizationName, assumed.Since, null);
}
