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
/// <param name="Note">Why the rating stands, if it is worth saying.</param>
/// <param name="ExpectedVersion">The timeline's reviewVersion you last read (0 before any review).</param>
public sealed record ConfirmShift(Guid FromStatementId, Guid ToStatementId, string? Note, long? ExpectedVersion);

public sealed class ConfirmShiftValidator : AbstractValidator<ConfirmShift>
{
    public static readonly ConfirmShiftValidator Instance = new();

    public ConfirmShiftValidator()
    {
        RuleFor(command => command.FromStatementId).NotEmpty().WithMessage("fromStatementId is required.");
        RuleFor(command => command.ToStatementId).NotEmpty().WithMessage("toStatementId is required.")
            .NotEqual(command => command.FromStatementId).WithMessage("A shift joins two different statements.");
        RuleFor(command => command.Note).OptionalText(CommonRules.ReasonMaxLength);
        RuleFor(command => command.ExpectedVersion).ReviewVersion();
    }
}

public static class ConfirmShiftEndpoint
{
    public static ProblemDetails Validate(ConfirmShift command) => Validation.Check(ConfirmShiftValidator.Instance, command);

    public static Task<ShiftDesk> LoadAsync(string kind, Guid actorId, Guid topicId, ConfirmShift command, IDocumentSession session, CancellationToken cancellation) =>
        ShiftDesk.LoadAsync(kind, actorId, topicId, [command.FromStatementId, command.ToStatementId], session, cancellation);

    public static ProblemDetails Validate(ConfirmShift command, ShiftDesk desk) => ShiftDesk.FirstProblem(
        desk.Found,
        () => desk.Current(command.ExpectedVersion),
        () => desk.Fits(command.FromStatementId, "fromStatementId"),
        () => desk.Fits(command.ToStatementId, "toStatementId"),
        () => desk.HasComputedShift(command.FromStatementId, command.ToStatementId, "toStatementId"));

    /// <summary>
    /// Confirming the judgement already in force (a confirmation of the same computed rating) adds nothing;
    /// otherwise the confirmation supersedes an earlier override, or an earlier confirmation of another rating.
    /// </summary>
    public static Events Decide(ConfirmShift command, ShiftReview review, ShiftView shift) =>
        review.JudgementOf(shift.FromStatementId, shift.ToStatementId) is { Judgement: ShiftJudgement.Confirmed } current && current.Rating == shift.Rating
            ? []
            : [new ShiftConfirmed(review.Timeline, shift.FromStatementId, shift.ToStatementId, shift.Rating, command.Note?.Trim())];

    /// <summary>
    /// Confirm a computed shift (editor): the Flip rating the timeline shows for the shift from one statement to the next
    /// stands. <c>kind</c> is <c>organizations</c> or <c>speakers</c>. The two statements must be consecutive standing
    /// statements on the timeline as it stands (else 422). Confirming again adds nothing (<c>changed: false</c>); a later
    /// confirmation or override of the same shift supersedes this one, and both stay in the log.
    /// </summary>
    [WolverinePost("/api/positions/{kind}/{actorId}/topics/{topicId}/shifts/confirmations"), RequiresRole(Roles.Editor)]
    [Tags("Positions")]
    public static ChangeAccepted Post(ConfirmShift command, ShiftDesk desk)
    {
        var events = Decide(command, desk.Review, desk.ShiftBetween(command.FromStatementId, command.ToStatementId)!);
        desk.Stream!.AppendMany(events);
        return ChangeAccepted.For(desk.Id, command.ExpectedVersion!.Value, events.Count);
    }
}
