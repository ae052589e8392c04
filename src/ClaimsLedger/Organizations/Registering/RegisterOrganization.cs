using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Wolverine.Marten;

namespace ClaimsLedger.Organizations.Registering;

/// <param name="Name">Canonical name ("U.S. Department of Defense").</param>
/// <param name="Aliases">Other names it goes by ("Pentagon", "DoD").</param>
public sealed record RegisterOrganization(string Name, IReadOnlyList<string>? Aliases = null);

public sealed class RegisterOrganizationValidator : AbstractValidator<RegisterOrganization>
{
    public static readonly RegisterOrganizationValidator Instance = new();

    public RegisterOrganizationValidator()
    {
        RuleFor(command => command.Name).RequiredText(CommonRules.NameMaxLength);
        RuleFor(command => command.Aliases).Must(aliases => aliases is null || aliases.Count <= 20)
            .WithMessage("At most 20 aliases.");
        RuleForEach(command => command.Aliases).RequiredText(CommonRules.NameMaxLength);
    }
}

public static class RegisterOrganizationEndpoint
{
    public static ProblemDetails Validate(RegisterOrganization command) =>
        Validation.Check(RegisterOrganizationValidator.Instance, command);

    public static OrganizationRegistered Decide(RegisterOrganization command, Guid organizationId) =>
        new(organizationId, command.Name.Trim(),
            (command.Aliases ?? []).Select(alias => alias.Trim())
                .Distinct(StringComparer.OrdinalIgnoreCase)
                .Where(alias => !alias.Equals(command.Name.Trim(), StringComparison.OrdinalIgnoreCase))
                .ToList());

    /// <summary>Register an organization that roles speak for.</summary>
    [WolverinePost("/api/organizations"), RequiresRole(Roles.Recorder), IdempotentCreation]
    [Tags("Organizations")]
    public static (Created, IStartStream) Post(RegisterOrganization command, NewResource stream) =>
        (new Created(stream.Url, stream.Id), MartenOps.StartStream<Organization>(stream.Id, Decide(command, stream.Id)));
}
