using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using ClaimsLedger.Positions.GettingTimelines;
using FluentValidation;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Wolverine.Marten;

namespace ClaimsLedger.Positions.ReviewingShifts;

/// <param name="FromStatementId">The earlier statement of the shift, as the timeline's shift names it (fromStatementId).</param>
/// <param name="ToStatementId">The later statement of the shift (toStatementId).</param>
/// <param name="Rating">The rating the shift deserves: no-flip, half-flip or full-flop.</param>
/// <param name="Reason">Why the computed rating is wrong.</param>
/// <param name="ExpectedVersion">The timeline's reviewVersion you last read (0 before any review).</param>
public sealed record OverrideShiftRating(Guid FromStatementId, Guid ToStatementId, FlipRating? Rating, string Reason, long? ExpectedVersion);

public sealed class OverrideShiftRatingValidator : AbstractValidator<OverrideShiftRating>
{
    public static readonly OverrideShiftRatingValidator Instance = new();

    public OverrideShiftRatingValidator()
    {
        RuleFor(command => command.FromStatementId).NotEmpty().WithMessage("fromStatementId is required.");
        RuleFor(command => command.ToStatementId).NotEmpty().WithMessage("toStatementId is required.")
            .NotEqual(command => command.FromStatementId).WithMessage("A shift joins two different statements.");
        RuleFor(command => command.Rating).NotNull().WithMessage("rating is required: no-flip, half-flip or full-flop.").IsInEnum();
        RuleFor(command => command.Reason).RequiredText(CommonRules.ReasonMaxLength);
        RuleFor(command => command.ExpectedVersion).ReviewVersion();
    }
}

public static class OverrideShiftRatingEndpoint
{
    public static ProblemDetails Validate(OverrideShiftRating command) => Validation.Check(OverrideShiftRatingValidator.Instance, command);

    public static Task<ShiftDesk> LoadAsync(
        string kind, Guid actorId, Guid topicId, OverrideShiftRating command, IDocumentSession session, CancellationToken cancellation) =>
        ShiftDesk.LoadAsync(kind, actorId, topicId, [command.FromStatementId, command.ToStatementId], session, cancellation);

    public static ProblemDetails Validate(OverrideShiftRating command, ShiftDesk desk) => ShiftDesk.FirstProblem(
        desk.Found,
        () => desk.Current(command.ExpectedVersion),
        () => desk.Fits(command.FromStatementId, "fromStatementId"),
        () => desk.Fits(command.ToStatementId, "toStatementId"),
        () => desk.HasComputedShift(command.FromStatementId, command.ToStatementId, "toStatementId"),
        () => desk.ShiftBetween(command.FromStatementId, command.ToStatementId)!.Rating == command.Rating
            ? Problems.Unprocessable("rating",
                $"The Flip rule already rates this shift {PositionTimelineCsv.LabelOf(command.Rating!.Value)}: an override changes the rating; " +
                "to agree with it, confirm the shift (.../shifts/confirmations).")
            : Problems.None);

    /// <summary>
    /// The same override again (same rating and reason, of the same computed rating) adds nothing; any other
    /// supersedes the judgement in force.
    /// </summary>
    public static Events Decide(OverrideShiftRating command, ShiftReview review, ShiftView shift)
    {
        var reason = command.Reason.Trim();
        return review.JudgementOf(shift.FromStatementId, shift.ToStatementId) is { Judgement: ShiftJudgement.Overridden } current &&
               current.Rating == command.Rating && current.ComputedRating == shift.Rating && current.Reason == reason
            ? []
            : [new ShiftRatingOverridden(review.Timeline, shift.FromStatementId, shift.ToStatementId, shift.Rating, command.Rating!.Value, reason)];
    }

    /// <summary>
    /// Override a computed shift's Flip rating with a reason (editor). The timeline keeps showing the computed rating
    /// beside the editor's, with who overrode it and when. <c>kind</c> is <c>organizations</c> or <c>speakers</c>; the two
    /// statements must be consecutive standing statements on the timeline as it stands (else 422), and overriding to the
    /// computed rating is a 422 (confirm instead). A later confirmation or override supersedes this one; both stay in the log.
    /// </summary>
    [WolverinePost("/api/positions/{kind}/{actorId}/topics/{topicId}/shifts/overrides"), RequiresRole(Roles.Editor)]
    [Tags("Positions")]
    public static ChangeAccepted Post(OverrideShiftRating command, ShiftDesk desk)
    {
        var events = Decide(command, desk.Review, desk.ShiftBetween(command.FromStatementId, command.ToStatementId)!);
        desk.Stream!.AppendMany(events);
        return ChangeAccepted.For(desk.Id, command.ExpectedVersion!.Value, events.Count);
    }
}
