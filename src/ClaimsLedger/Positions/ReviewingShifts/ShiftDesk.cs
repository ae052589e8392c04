using ClaimsLedger.Infrastructure.Http;
using ClaimsLedger.Organizations;
using ClaimsLedger.Positions.GettingTimelines;
using ClaimsLedger.Speakers;
using ClaimsLedger.Statements;
using ClaimsLedger.Topics;
using FluentValidation;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Mvc;

namespace ClaimsLedger.Positions.ReviewingShifts;

/// <summary>
/// What a decision about a timeline's shifts refers to, loaded once per request: the timeline's actor and topic
/// and the statements the request names, each aggregated from its own stream (never from a view a rebuild may be
/// replacing); the timeline's review stream, fetched for writing; and the timeline as it stands, whose shifts are
/// the ones an editor sees and judges.
/// </summary>
public sealed record ShiftDesk(
    string Kind,
    TimelineKey? Key,
    ActorRef? Actor,
    Topic? Topic,
    IEventStream<ShiftReview>? Stream,
    IReadOnlyDictionary<Guid, Statement> Statements,
    IReadOnlyList<TimelineEntry> Stored,
    PositionTimelineView? Timeline)
{
    public const string Organizations = "organizations";
    public const string Speakers = "speakers";

    public static async Task<ShiftDesk> LoadAsync(
        string kind, Guid actorId, Guid topicId, IEnumerable<Guid>? statementIds, IDocumentSession session, CancellationToken cancellation)
    {
        ActorKind? actorKind = kind switch
        {
            Organizations => ActorKind.Organization,
            Speakers => ActorKind.Speaker,
            _ => null,
        };
        if (actorKind is not { } known)
        {
            return new ShiftDesk(kind, null, null, null, null, new Dictionary<Guid, Statement>(), [], null);
        }

        var key = new TimelineKey(known, actorId, topicId);
        var actor = known == ActorKind.Speaker
            ? await session.Events.AggregateStreamAsync<Speaker>(actorId, token: cancellation) is { } speaker
                ? new ActorRef(ActorKind.Speaker, speaker.Id, speaker.Name)
                : null
            : await session.Events.AggregateStreamAsync<Organization>(actorId, token: cancellation) is { } organization
                ? new ActorRef(ActorKind.Organization, organization.Id, organization.Name)
                : null;
        var topic = await session.Events.AggregateStreamAsync<Topic>(topicId, token: cancellation);
        if (actor is null || topic is null)
        {
            return new ShiftDesk(kind, key, actor, topic, null, new Dictionary<Guid, Statement>(), [], null);
        }

        var stream = await session.Events.FetchForWriting<ShiftReview>(ShiftReview.StreamId(key), cancellation);
        var statements = new Dictionary<Guid, Statement>();
        foreach (var id in (statementIds ?? []).Where(id => id != Guid.Empty).Distinct().Take(RecordShiftValidator.MaxStatements))
        {
            if (await session.Events.AggregateStreamAsync<Statement>(id, token: cancellation) is { } statement)
            {
                statements[id] = statement;
            }
        }

        var stored = await PositionTimeline.EntriesAsync(session, key.ToString(), cancellation);
        var timeline = PositionTimelineView.Of(actor, topic.Id, topic.Title, topic.Ladder, stored);
        return new ShiftDesk(kind, key, actor, topic, stream, statements, stored, timeline);
    }

    /// <summary>The review stream's id.</summary>
    public Guid Id => ShiftReview.StreamId(Key!.Value);

    /// <summary>The review so far (empty before the first judgement).</summary>
    public ShiftReview Review => Stream?.Aggregate ?? ShiftReview.Empty(Key!.Value);

    /// <summary>The computed shift between exactly these two statements on the timeline as it stands, if there is one.</summary>
    public ShiftView? ShiftBetween(Guid from, Guid to) =>
        Timeline?.Shifts.FirstOrDefault(shift => shift.FromStatementId == from && shift.ToStatementId == to);

    /// <summary>The first problem of <paramref name="checks"/>, run in order; none when all pass.</summary>
    public static ProblemDetails FirstProblem(params ReadOnlySpan<Func<ProblemDetails>> checks)
    {
        foreach (var check in checks)
        {
            var problem = check();
            if (!ReferenceEquals(problem, Problems.None))
            {
                return problem;
            }
        }

        return Problems.None;
    }

    /// <summary>404 when the URL names no timeline: an unknown kind, actor or topic.</summary>
    public ProblemDetails Found()
    {
        if (Key is not { } key)
        {
            return new ProblemDetails
            {
                Status = StatusCodes.Status404NotFound,
                Title = "No such kind of timeline.",
                Detail = $"There are timelines of '{Organizations}' and of '{Speakers}', not of '{Kind}'.",
                Type = "https://www.rfc-editor.org/rfc/rfc9110#name-404-not-found",
            };
        }

        if (Actor is null)
        {
            return Problems.NotFound(key.Kind == ActorKind.Speaker ? "speaker" : "organization", key.ActorId);
        }

        return Topic is null ? Problems.NotFound("topic", key.TopicId) : Problems.None;
    }

    /// <summary>409 when the review changed since the client read the timeline's <c>reviewVersion</c>.</summary>
    public ProblemDetails Current(long? expectedVersion) => Versions.Check(expectedVersion ?? -1, Stream!);

    /// <summary>
    /// 422 unless the statement is one this timeline can be about: it exists, was not withdrawn, speaks for the
    /// timeline's actor (said by the speaker, or in a role at the organization), and has a stance on its topic.
    /// </summary>
    public ProblemDetails Fits(Guid statementId, string field)
    {
        if (!Statements.TryGetValue(statementId, out var statement))
        {
            return Problems.Unprocessable(field, $"There is no statement with id '{statementId}'.");
        }

        if (statement.IsWithdrawn)
        {
            return Problems.Unprocessable(field, $"Statement '{statementId}' was withdrawn (recorded in error): it is on no timeline.");
        }

        if (!Positions.Actor.SpeaksFor(statement.Attribution, Key!.Value))
        {
            var said = statement.Attribution.OrganizationName is { } organization
                ? $"{statement.Attribution.SpeakerName} ({statement.Attribution.RoleTitle}, {organization})"
                : statement.Attribution.SpeakerName;
            return Problems.Unprocessable(field,
                $"Statement '{statementId}' is attributed to {said}: it does not speak for {Actor!.Name}, so it is not on this timeline.");
        }

        return statement.Stances.ContainsKey(Topic!.Id)
            ? Problems.None
            : Problems.Unprocessable(field,
                $"Statement '{statementId}' has no stance assessed on '{Topic.Title}': assess it first (POST /api/statements/{statementId}/stances).");
    }

    /// <summary>
    /// 422 unless the timeline shows a computed shift from exactly <paramref name="from"/> to <paramref name="to"/>;
    /// 409 when the timeline has not yet caught up with a change to one of them (it is computed in the background).
    /// </summary>
    public ProblemDetails HasComputedShift(Guid from, Guid to, string field)
    {
        foreach (var id in new[] { from, to })
        {
            if (Lags(id))
            {
                return Problems.Conflict(
                    $"The timeline has not caught up yet with the latest change to statement '{id}' (timelines are computed in the background, " +
                    "usually within a second): read it again and retry.", "The timeline is catching up.");
            }
        }

        if (ShiftBetween(from, to) is not null)
        {
            return Problems.None;
        }

        var into = Timeline!.Shifts.FirstOrDefault(shift => shift.ToStatementId == to);
        var retracted = Timeline.Entries.Where(entry => entry.Retracted && (entry.StatementId == from || entry.StatementId == to)).Select(entry => entry.StatementId).ToList();
        var why = retracted.Count > 0 ? $"'{retracted[0]}' was retracted, and shifts skip retracted statements"
            : into is not null ? $"the shift into '{to}' comes from '{into.FromStatementId}'"
            : $"no shift leads into '{to}': it is the first standing statement on the timeline";
        return Problems.Unprocessable(field,
            $"There is no computed shift from '{from}' to '{to}' on this timeline: shifts join consecutive standing (assessed, not retracted) " +
            $"statements in stated order, and {why}. To record a shift the computation misses, use .../shifts/records.");
    }

    /// <summary>Whether the stored timeline does not yet show the statement as its own stream has it.</summary>
    private bool Lags(Guid statementId)
    {
        var statement = Statements[statementId];
        var entry = Stored.FirstOrDefault(candidate => candidate.StatementId == statementId);
        return entry is null
               || entry.Stance != statement.Stances[Topic!.Id]
               || (entry.Retraction is not null) != (statement.Status == StatementStatus.Retracted)
               || entry.StatedAt != statement.StatedAt;
    }

    /// <summary>The evidence a recorded shift keeps of each statement: when it was said and the stance it held, in stated order.</summary>
    public IReadOnlyList<ShiftEvidence> Evidence(IEnumerable<Guid> statementIds) =>
    [
        .. statementIds.Select(id => Statements[id])
            .Select(statement => new ShiftEvidence(statement.Id, statement.StatedAt, statement.Stances[Topic!.Id]))
            .OrderBy(evidence => evidence.StatedAt),
    ];
}

public static class ReviewRules
{
    /// <summary>The review version the client last read: optimistic concurrency, where 0 means "nobody has reviewed this timeline yet".</summary>
    public static IRuleBuilderOptions<T, long?> ReviewVersion<T>(this IRuleBuilder<T, long?> rule) =>
        rule.NotNull().WithMessage("expectedVersion is required: send the timeline's reviewVersion you last read (0 before any review).")
            .GreaterThanOrEqualTo(0).WithMessage("expectedVersion cannot be negative.");
}
