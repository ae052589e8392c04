namespace ClaimsLedger.Organizations;

// Events of an organization stream: whom a role speaks for ("U.S. Department of Defense").
// An organization is also an actor: its position timeline merges what its people said for it.

/// <summary>An organization was registered.</summary>
public sealed record OrganizationRegistered(Guid OrganizationId, string Name, IReadOnlyList<string> Aliases);

/// <summary>Write model of an organization: only what decisions about it need.</summary>
public sealed record Organization(Guid Id, string Name)
{
    public static Organization Create(OrganizationRegistered registered) => new(registered.OrganizationId, registered.Name);
}
