using ClaimsLedger.Infrastructure;
using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using ClaimsLedger.Speakers;
using ClaimsLedger.Topics;
using FluentValidation;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using Wolverine.Marten;

namespace ClaimsLedger.Statements.Recording;

/// <param name="SpeakerId">Who said it.</param>
/// <param name="RoleId">The speaker's role it was said in; omitted, the role held at <paramref name="StatedAt"/> is used.</param>
/// <param name="Quote">Verbatim, as printed between the marks; for indirect speech, the paraphrase.</param>
/// <param name="Kind">direct, partial or indirect.</param>
/// <param name="StatedAt">When it was said, at the precision known: "2016", "2016-01", "2016-01-27" or an instant with offset.</param>
/// <param name="TopicIds">What it is about.</param>
/// <param name="Source">Where it was reported.</param>
public sealed record RecordStatement(
    Guid SpeakerId,
    Guid? RoleId,
    string Quote,
    QuoteKind Kind,
    string StatedAt,
    IReadOnlyList<Guid>? TopicIds,
    SourceInput Source);

public sealed class RecordStatementValidator : AbstractValidator<RecordStatement>
{
    public static readonly RecordStatementValidator Instance = new();

    public RecordStatementValidator()
    {
        RuleFor(command => command.SpeakerId).NotEmpty().WithMessage("speakerId is required.");
        RuleFor(command => command.Quote).Quote();
        RuleFor(command => command.Kind).IsInEnum();
        RuleFor(command => command.StatedAt).NotEmpty().WithMessage("statedAt is required.").StatedTimeNotInFuture();
        RuleFor(command => command.TopicIds)
            .Must(ids => ids is null || ids.Count <= StatementRules.MaxTopics).WithMessage($"At most {StatementRules.MaxTopics} topics.")
            .Must(ids => ids is null || ids.Distinct().Count() == ids.Count).WithMessage("topicIds must not repeat.");
        RuleForEach(command => command.TopicIds).NotEmpty();
        RuleFor(command => command.Source).NotNull().WithMessage("source is required.").SetValidator(new SourceInputValidator());
        RuleFor(command => command.Source)
            .Must((command, source) => StatementRules.SpanFitsQuote(command.Quote, command.Kind, source))
            .WithMessage(StatementRules.SpanMessage);
    }
}

/// <summary>
/// What recording refers to: the speaker and the topics, aggregated from their own streams (not from
/// the inline views, which a rebuild may be replacing while the service serves).
/// </summary>
public sealed record RecordingReferences(Speaker? Speaker, IReadOnlyList<Topic> Topics);

public static class RecordStatementEndpoint
{
    public static ProblemDetails Validate(RecordStatement command, LedgerClock clock) =>
        Validation.Check(RecordStatementValidator.Instance, command, clock.Now);

    /// <summary>
    /// The speaker and every topic in one batched round trip, on the session that will record the statement:
    /// recording is bound by database round trips, not by CPU (docs/benchmarks.md, figure 1).
    /// </summary>
    public static async Task<RecordingReferences> LoadAsync(RecordStatement command, IDocumentSession session, CancellationToken cancellation)
    {
        var batch = session.CreateBatchQuery();
        var speaker = batch.Events.FetchLatest<Speaker>(command.SpeakerId);
        var topics = (command.TopicIds ?? []).Distinct().Select(batch.Events.FetchLatest<Topic>).ToList();
        await batch.Execute(cancellation);
        return new RecordingReferences(await speaker, [.. (await Task.WhenAll(topics)).OfType<Topic>()]);
    }

    public static ProblemDetails Validate(RecordStatement command, RecordingReferences references)
    {
        var topicIds = command.TopicIds ?? [];
        for (var index = 0; index < topicIds.Count; index++)
        {
            if (references.Topics.All(topic => topic.Id != topicIds[index]))
            {
                return Problems.Unprocessable($"topicIds[{index}]", $"There is no topic with id '{topicIds[index]}'.");
            }
        }

        return StatementRules.Attribute(references.Speaker, command.SpeakerId, command.RoleId, StatedTime.Parse(command.StatedAt), "speakerId", "roleId").Problem;
    }

    public static StatementRecorded Decide(RecordStatement command, RecordingReferences references, Guid statementId)
    {
        var statedAt = StatedTime.Parse(command.StatedAt);
        var (attribution, _) = StatementRules.Attribute(references.Speaker, command.SpeakerId, command.RoleId, statedAt, "speakerId", "roleId");
        return new StatementRecorded(statementId, attribution!, command.Quote, command.Kind, statedAt,
            [.. command.TopicIds ?? []], command.Source.ToSource());
    }

    /// <summary>Record what an official said, with who said it, in what role, when, and where it was reported.</summary>
    [WolverinePost("/api/statements"), RequiresRole(Roles.Recorder), IdempotentCreation]
    [Tags("Statements")]
    public static (Created, IStartStream) Post(RecordStatement command, RecordingReferences references, NewResource resource) =>
        (new Created(resource.Url, resource.Id), MartenOps.StartStream<Statement>(resource.Id, Decide(command, references, resource.Id)));
}
