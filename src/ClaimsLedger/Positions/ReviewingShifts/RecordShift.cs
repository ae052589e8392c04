using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using FluentValidation;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Wolverine.Marten;

namespace ClaimsLedger.Positions.ReviewingShifts;

/// <param name="StatementIds">Two to twenty statements of the actor on the topic that together show the shift, in any order.</param>
/// <param name="Rating">How big the shift is: no-flip, half-flip or full-flop.</param>
/// <param name="Reason">What the shift is, and why the computation misses it.</param>
/// <param name="ExpectedVersion">The timeline's reviewVersion you last read (0 before any review).</param>
public sealed record RecordShift(IReadOnlyList<Guid>? StatementIds, FlipRating? Rating, string Reason, long? ExpectedVersion);

public sealed class RecordShiftValidator : AbstractValidator<RecordShift>
{
    public const int MaxStatements = 20;

    public static readonly RecordShiftValidator Instance = new();

    public RecordShiftValidator()
    {
        RuleFor(command => command.StatementIds)
            .NotNull().WithMessage("statementIds is required: the statements that show the shift.")
            .Must(ids => ids is null || ids.Count >= 2).WithMessage("A shift links at least two statements.")
            .Must(ids => ids is null || ids.Count <= MaxStatements).WithMessage($"A shift links at most {MaxStatements} statements.")
            .Must(ids => ids is null || ids.Distinct().Count() == ids.Count).WithMessage("statementIds must not repeat.");
        RuleForEach(command => command.StatementIds).NotEmpty();
        RuleFor(command => command.Rating).NotNull().WithMessage("rating is required: no-flip, half-flip or full-flop.").IsInEnum();
        RuleFor(command => command.Reason).RequiredText(CommonRules.ReasonMaxLength);
        RuleFor(command => command.ExpectedVersion).ReviewVersion();
    }
}

public static class RecordShiftEndpoint
{
    public static ProblemDetails Validate(RecordShift command) => Validation.Check(RecordShiftValidator.Instance, command);

    public static Task<ShiftDesk> LoadAsync(string kind, Guid actorId, Guid topicId, RecordShift command, IDocumentSession session, CancellationToken cancellation) =>
        ShiftDesk.LoadAsync(kind, actorId, topicId, command.StatementIds, session, cancellation);

    public static ProblemDetails Validate(RecordShift command, ShiftDesk desk)
    {
        var ids = command.StatementIds ?? [];
        return ShiftDesk.FirstProblem(
        [
            desk.Found,
            () => desk.Current(command.ExpectedVersion),
            .. ids.Select((id, index) => (Func<ProblemDetails>)(() => desk.Fits(id, $"statementIds[{index}]"))),
            () => ids.Count == 2 && (desk.ShiftBetween(ids[0], ids[1]) ?? desk.ShiftBetween(ids[1], ids[0])) is { } computed
                ? Problems.Unprocessable("statementIds",
                    $"The timeline already shows the shift from '{computed.FromStatementId}' to '{computed.ToStatementId}': " +
                    "confirm it or override its rating (.../shifts/confirmations, .../shifts/overrides) instead of recording it.")
                : Problems.None,
        ]);
    }

    /// <summary>
    /// The same record again (same statements, rating and reason) adds nothing; the same statements with another
    /// rating or reason supersede the record in force.
    /// </summary>
    public static Events Decide(RecordShift command, ShiftReview review, IReadOnlyList<ShiftEvidence> evidence)
    {
        var reason = command.Reason.Trim();
        return review.RecordOf(evidence.Select(statement => statement.StatementId)) is { } current && current.Rating == command.Rating && current.Reason == reason
            ? []
            : [new ShiftRecorded(review.Timeline, evidence, command.Rating!.Value, reason)];
    }

    /// <summary>
    /// Record a shift the computation misses (editor): two to twenty dated, sourced statements of the actor on the topic
    /// (<c>kind</c> is <c>organizations</c> or <c>speakers</c>) that together show a change of position, with its Flip rating
    /// and the reason. It is listed on the timeline under <c>recordedShifts</c>, with each statement's date and sources. Two
    /// statements the timeline already joins by a computed shift are a 422: confirm or override that shift instead. The same
    /// record again adds nothing; the same statements with another rating or reason supersede it.
    /// </summary>
    [WolverinePost("/api/positions/{kind}/{actorId}/topics/{topicId}/shifts/records"), RequiresRole(Roles.Editor)]
    [Tags("Positions")]
    public static ChangeAccepted Post(RecordShift command, ShiftDesk desk)
    {
        var events = Decide(command, desk.Review, desk.Evidence(command.StatementIds!));
        desk.Stream!.AppendMany(events);
        return ChangeAccepted.For(desk.Id, command.ExpectedVersion!.Value, events.Count);
    }
}
