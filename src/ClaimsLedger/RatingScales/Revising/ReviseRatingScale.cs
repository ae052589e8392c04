using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using ClaimsLedger.RatingScales.Defining;
using ClaimsLedger.RatingScales.GettingDetails;
using FluentValidation;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClaimsLedger.RatingScales.Revising;

/// <param name="Name">The scale's name from this version on; omitted, unchanged.</param>
/// <param name="Ratings">The new version's ratings.</param>
/// <param name="Mapping">For every old key the new version no longer has, the new key it becomes ({"barely-true": "mostly-false"}).</param>
/// <param name="Reason">Why the scale changed.</param>
/// <param name="ExpectedVersion">The scale version you last read (the built-in default, before first use: 1).</param>
public sealed record ReviseRatingScale(string? Name, IReadOnlyList<RatingInput> Ratings, IReadOnlyDictionary<string, string>? Mapping, string Reason, long ExpectedVersion);

public sealed class ReviseRatingScaleValidator : AbstractValidator<ReviseRatingScale>
{
    public static readonly ReviseRatingScaleValidator Instance = new();

    public ReviseRatingScaleValidator()
    {
        RuleFor(command => command.Name).OptionalText(CommonRules.NameMaxLength);
        RuleFor(command => command.Ratings).NotNull().WithMessage("ratings is required.").SetValidator(RatingsValidator.Instance!);
        RuleFor(command => command.Mapping).Must(mapping => mapping is null || mapping.Count <= 100).WithMessage("mapping has too many entries.");
        RuleFor(command => command.Reason).RequiredText(CommonRules.ReasonMaxLength);
        RuleFor(command => command.ExpectedVersion).ExpectedVersion();
    }
}

public static class ReviseRatingScaleEndpoint
{
    public static ProblemDetails Validate(ReviseRatingScale command) => Validation.Check(ReviseRatingScaleValidator.Instance, command);

    public static Task<ScaleInUse?> LoadAsync(Guid id, IQuerySession session, CancellationToken cancellation) =>
        RatingScales.GettingDetails.RatingScales.LoadForDecisionAsync(session, id, cancellation);

    /// <summary>Every old key is kept or mapped, and only onto a key of the new version.</summary>
    public static ProblemDetails Validate(Guid id, ReviseRatingScale command, ScaleInUse? inUse)
    {
        if (inUse?.Scale is not { } scale)
        {
            return Problems.NotFound("rating scale", id);
        }

        if (command.ExpectedVersion != scale.Versions.Count)
        {
            var stale = Problems.Conflict(
                $"You sent expectedVersion {command.ExpectedVersion}, but the scale is at version {scale.Versions.Count}: read it again.", "Stale version.");
            stale.Extensions["currentVersion"] = scale.Versions.Count;
            return stale;
        }

        var mapping = command.Mapping ?? new Dictionary<string, string>();
        var newKeys = command.Ratings.Select(rating => rating.Key).ToHashSet(StringComparer.Ordinal);
        var oldKeys = scale.Current.Ratings.Select(rating => rating.Key).ToHashSet(StringComparer.Ordinal);
        var errors = new Dictionary<string, string[]>();
        foreach (var (from, to) in mapping)
        {
            if (!oldKeys.Contains(from))
            {
                errors[$"mapping.{from}"] = [$"'{from}' is not a rating of version {scale.Versions.Count}."];
            }
            else if (!newKeys.Contains(to))
            {
                errors[$"mapping.{from}"] = [$"'{to}' is not a rating of the new version."];
            }
        }

        var unmapped = oldKeys.Where(key => !newKeys.Contains(key) && !mapping.ContainsKey(key)).ToList();
        if (unmapped.Count > 0)
        {
            errors["mapping"] = [$"Say what {string.Join(", ", unmapped.Select(key => $"'{key}'"))} became: verdicts issued under version {scale.Versions.Count} name them."];
        }

        return errors.Count == 0 ? Problems.None : Problems.Unprocessable(errors);
    }

    public static RatingScaleRevised Decide(ReviseRatingScale command, RatingScale scale) =>
        new(scale.Id, command.Name?.Trim() ?? scale.Current.Name, DefineRatingScaleEndpoint.Ratings(command.Ratings),
            new Dictionary<string, string>(command.Mapping ?? new Dictionary<string, string>()), command.Reason.Trim());

    /// <summary>
    /// Revise a rating scale (editor): new ratings, and the mapping from every old key that is gone.
    /// Verdicts keep the version they were issued under; scorecards can show them mapped to the current one.
    /// </summary>
    [WolverinePost("/api/rating-scales/{id}/revisions"), RequiresRole(Roles.Editor)]
    [Tags("Rating scales")]
    public static ChangeAccepted Post(ReviseRatingScale command, ScaleInUse inUse, IDocumentSession session)
    {
        var scale = inUse.Scale;
        var revised = Decide(command, scale);
        if (!inUse.Stored)
        {
            // The default is stored by its first use; this is it.
            session.Events.StartStream<RatingScale>(scale.Id, DefaultRatingScale.Definition, revised);
        }
        else
        {
            session.Events.Append(scale.Id, scale.Versions.Count + 1, revised);
        }

        return ChangeAccepted.For(scale.Id, command.ExpectedVersion, 1);
    }
}
