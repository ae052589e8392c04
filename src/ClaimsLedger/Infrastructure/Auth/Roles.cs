using Microsoft.AspNetCore.Authorization;

namespace ClaimsLedger.Infrastructure.Auth;

/// <summary>
/// The roles of DESIGN.md section 7. Each endpoint names the least role it needs; a role
/// includes those below it (an editor may also record and read, an admin may do anything).
/// </summary>
public static class Roles
{
    public const string Reader = "reader";
    public const string Recorder = "recorder";
    public const string Editor = "editor";
    public const string Auditor = "auditor";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Reader, Recorder, Editor, Auditor, Admin];

    /// <summary>Which granted roles satisfy a requirement for <paramref name="required"/>.</summary>
    public static IReadOnlyList<string> Satisfying(string required) => required switch
    {
        Reader => [Reader, Recorder, Editor, Auditor, Admin],
        Recorder => [Recorder, Editor, Admin],
        Editor => [Editor, Admin],
        Auditor => [Auditor, Admin],
        Admin => [Admin],
        _ => throw new ArgumentOutOfRangeException(nameof(required), required, "Unknown role."),
    };

    /// <summary>One authorization policy per role, named after the role.</summary>
    public static void AddRolePolicies(this AuthorizationOptions options)
    {
        foreach (var role in All)
        {
            options.AddPolicy(role, policy => policy.RequireAuthenticatedUser().RequireRole(Satisfying(role)));
        }
    }
}

/// <summary>Names the least role an endpoint requires.</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = false)]
public sealed class RequiresRoleAttribute : AuthorizeAttribute
{
    public RequiresRoleAttribute(string role)
        : base(role)
    {
        Role = role;
    }

    public string Role { get; }
}
