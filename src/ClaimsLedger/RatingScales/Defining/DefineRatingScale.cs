using System.Text.RegularExpressions;
using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Wolverine.Marten;

namespace ClaimsLedger.RatingScales.Defining;

/// <param name="Key">Slug verdicts name ("mostly-false").</param>
/// <param name="Label">What readers see ("Mostly False").</param>
/// <param name="Value">Numeric value, higher is truer; exported as ClaimReview's ratingValue.</param>
public sealed record RatingInput(string Key, string Label, int Value);

/// <param name="Name">The scale's name ("Truth-O-Meter").</param>
/// <param name="Ratings">2 to 12 ratings with unique keys, labels and values.</param>
public sealed record DefineRatingScale(string Name, IReadOnlyList<RatingInput> Ratings);

public sealed partial class RatingsValidator : AbstractValidator<IReadOnlyList<RatingInput>>
{
    public const int MaxRatings = 12;
    public static readonly RatingsValidator Instance = new();

    public RatingsValidator()
    {
        RuleFor(ratings => ratings)
            .Must(ratings => ratings is { Count: >= 2 and <= MaxRatings }).WithMessage($"ratings needs 2 to {MaxRatings} entries.")
            .Must(ratings => ratings.Select(rating => rating?.Key).Distinct().Count() == ratings.Count).WithMessage("rating keys must be unique.")
            .Must(ratings => ratings.Select(rating => rating?.Label?.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).Count() == ratings.Count)
            .WithMessage("rating labels must be unique.")
            .Must(ratings => ratings.Select(rating => rating?.Value).Distinct().Count() == ratings.Count).WithMessage("rating values must be unique.")
            .When(ratings => ratings is not null && ratings.All(rating => rating is not null));
        RuleForEach(ratings => ratings).ChildRules(rating =>
        {
            rating.RuleFor(r => r.Key).NotEmpty().Must(key => key is { Length: <= 40 } && Slug().IsMatch(key))
                .WithMessage("key must be a lower-case slug such as 'mostly-false' (at most 40 characters).");
            rating.RuleFor(r => r.Label).RequiredText(80);
            rating.RuleFor(r => r.Value).InclusiveBetween(-1_000, 1_000);
        });
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex Slug();
}

public sealed class DefineRatingScaleValidator : AbstractValidator<DefineRatingScale>
{
    public static readonly DefineRatingScaleValidator Instance = new();

    public DefineRatingScaleValidator()
    {
        RuleFor(command => command.Name).RequiredText(CommonRules.NameMaxLength);
        RuleFor(command => command.Ratings).NotNull().WithMessage("ratings is required.").SetValidator(RatingsValidator.Instance!);
    }
}

public static class DefineRatingScaleEndpoint
{
    public static ProblemDetails Validate(DefineRatingScale command) => Validation.Check(DefineRatingScaleValidator.Instance, command);

    public static IReadOnlyList<Rating> Ratings(IEnumerable<RatingInput> ratings) => [.. ratings.Select(rating => new Rating(rating.Key, rating.Label.Trim(), rating.Value))];

    public static RatingScaleDefined Decide(DefineRatingScale command, Guid id) => new(id, command.Name.Trim(), Ratings(command.Ratings));

    /// <summary>Define a newsroom's own rating scale (editor). The PolitiFact-style default ships with the service.</summary>
    [WolverinePost("/api/rating-scales"), RequiresRole(Roles.Editor), IdempotentCreation]
    [Tags("Rating scales")]
    public static (Created, IStartStream) Post(DefineRatingScale command, NewResource resource) =>
        (new Created(resource.Url, resource.Id), MartenOps.StartStream<RatingScale>(resource.Id, Decide(command, resource.Id)));
}
