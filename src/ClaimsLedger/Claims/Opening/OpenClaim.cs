using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using ClaimsLedger.RatingScales;
using ClaimsLedger.RatingScales.GettingDetails;
using ClaimsLedger.Topics;
using FluentValidation;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClaimsLedger.Claims.Opening;

/// <param name="Text">The checkable proposition, worded neutrally ("ISIS has gained ground in Libya").</param>
/// <param name="Context">Where and how it circulates; scope notes for fact-checkers.</param>
/// <param name="TopicIds">What it is about.</param>
/// <param name="RatingScaleId">The scale its verdicts use; omitted, the default Truth-O-Meter.</param>
public sealed record OpenClaim(string Text, string? Context, IReadOnlyList<Guid>? TopicIds, Guid? RatingScaleId);

public sealed class OpenClaimValidator : AbstractValidator<OpenClaim>
{
    public const int MaxTextLength = 500;
    public static readonly OpenClaimValidator Instance = new();

    public OpenClaimValidator()
    {
        RuleFor(command => command.Text).RequiredText(MaxTextLength);
        RuleFor(command => command.Context).OptionalText(4_000);
        RuleFor(command => command.TopicIds).Must(ids => ids is null || ids.Count <= 20).WithMessage("topicIds holds at most 20 topics.")
            .Must(ids => ids is null || ids.Distinct().Count() == ids.Count).WithMessage("topicIds must not repeat.");
        RuleForEach(command => command.TopicIds).NotEmpty();
    }
}

/// <summary>What opening a claim refers to, aggregated from the scale's and topics' own streams.</summary>
public sealed record ClaimReferences(ScaleInUse? Scale, IReadOnlyList<Topic> Topics);

public static class OpenClaimEndpoint
{
    public static ProblemDetails Validate(OpenClaim command) => Validation.Check(OpenClaimValidator.Instance, command);

    public static async Task<ClaimReferences> LoadAsync(OpenClaim command, IQuerySession session, CancellationToken cancellation)
    {
        var scale = await RatingScales.GettingDetails.RatingScales.LoadForDecisionAsync(session, command.RatingScaleId ?? DefaultRatingScale.Id, cancellation);
        var topics = new List<Topic>();
        foreach (var topicId in (command.TopicIds ?? []).Distinct())
        {
            if (await session.Events.AggregateStreamAsync<Topic>(topicId, token: cancellation) is { } topic)
            {
                topics.Add(topic);
            }
        }

        return new ClaimReferences(scale, topics);
    }

    public static ProblemDetails Validate(OpenClaim command, ClaimReferences references)
    {
        if (references.Scale is null)
        {
            return Problems.Unprocessable("ratingScaleId", $"There is no rating scale with id '{command.RatingScaleId}'.");
        }

        var topicIds = command.TopicIds ?? [];
        for (var index = 0; index < topicIds.Count; index++)
        {
            if (references.Topics.All(topic => topic.Id != topicIds[index]))
            {
                return Problems.Unprocessable($"topicIds[{index}]", $"There is no topic with id '{topicIds[index]}'.");
            }
        }

        return Problems.None;
    }

    public static ClaimOpened Decide(OpenClaim command, Guid claimId, RatingScale scale) =>
        new(claimId, command.Text.Trim(), command.Context?.Trim(), [.. command.TopicIds ?? []], scale.Id);

    /// <summary>Open a claim: a checkable proposition that statements make, to be rated on a scale (editor).</summary>
    [WolverinePost("/api/claims"), RequiresRole(Roles.Editor), IdempotentCreation]
    [Tags("Claims")]
    public static Created Post(OpenClaim command, ClaimReferences references, NewResource resource, IDocumentSession session)
    {
        references.Scale!.StoreIfNeeded(session);
        session.Events.StartStream<Claim>(resource.Id, Decide(command, resource.Id, references.Scale.Scale));
        return new Created(resource.Url, resource.Id);
    }
}
