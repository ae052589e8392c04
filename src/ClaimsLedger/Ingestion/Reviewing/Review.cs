using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using ClaimsLedger.Infrastructure;
using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using ClaimsLedger.Statements;
using ClaimsLedger.Statements.Recording;
using FluentValidation;
using Marten;
using Microsoft.AspNetCore.Mvc;

namespace ClaimsLedger.Ingestion.Reviewing;

/// <param name="TopicId">The topic the stance is on (added to the statement's topics).</param>
/// <param name="Stance">A rung key of the topic's stance ladder.</param>
/// <param name="Rationale">Why the statement reads as this stance.</param>
public sealed record StanceInput(Guid TopicId, string Stance, string? Rationale = null);

/// <summary>What a reviewer changes from the suggestion when accepting; everything is optional.</summary>
/// <param name="SpeakerId">The registered speaker; omitted, the suggested one (it must match exactly one registered speaker).</param>
/// <param name="RoleId">The speaker's role it was said in; omitted, the role held at the stated time.</param>
/// <param name="Kind">direct, partial or indirect; omitted, the suggested kind.</param>
/// <param name="StatedAt">When it was said; omitted, the article's publication time.</param>
/// <param name="TopicIds">What it is about.</param>
/// <param name="Stance">A stance reading to record with it (editor).</param>
/// <param name="ReportedVia">The outlet the article credits for it ("reports Homeland Security News Wire").</param>
public sealed record CandidateEdits(
    Guid? SpeakerId = null,
    Guid? RoleId = null,
    QuoteKind? Kind = null,
    string? StatedAt = null,
    IReadOnlyList<Guid>? TopicIds = null,
    StanceInput? Stance = null,
    string? ReportedVia = null);

public sealed class CandidateEditsValidator : AbstractValidator<CandidateEdits>
{
    public CandidateEditsValidator()
    {
        RuleFor(edits => edits.Kind).IsInEnum();
        RuleFor(edits => edits.StatedAt).StatedTimeNotInFuture();
        RuleFor(edits => edits.TopicIds)
            .Must(ids => ids is null || ids.Count <= StatementRules.MaxTopics).WithMessage($"At most {StatementRules.MaxTopics} topics.")
            .Must(ids => ids is null || ids.Distinct().Count() == ids.Count).WithMessage("topicIds must not repeat.");
        RuleForEach(edits => edits.TopicIds).NotEmpty();
        RuleFor(edits => edits.ReportedVia).OptionalText(CommonRules.NameMaxLength);
        When(edits => edits.Stance is not null, () =>
        {
            RuleFor(edits => edits.Stance!.TopicId).NotEmpty().WithMessage("stance.topicId is required.");
            RuleFor(edits => edits.Stance!.Stance).RequiredText(40);
            RuleFor(edits => edits.Stance!.Rationale).OptionalText(CommonRules.ReasonMaxLength);
        });
    }
}

/// <summary>An accepted candidate: the statement it became, and the article's new version.</summary>
/// <param name="Number">The candidate.</param>
/// <param name="StatementId">The statement recorded.</param>
/// <param name="StatementUrl">Where it lives.</param>
/// <param name="Changed">False when it had already been accepted the same way (nothing recorded).</param>
public sealed record CandidateAcceptance(int Number, Guid StatementId, string StatementUrl, bool Changed);

/// <summary>What reviewing decisions share: accepting records a statement through the statements' own rules.</summary>
public static class Review
{
    /// <summary>A planned acceptance: the new statement's events and the article's decision event.</summary>
    public sealed record Plan(Guid StatementId, object[] StatementEvents, CandidateAccepted Decision);

    /// <summary>The statement a candidate becomes has an id fixed by (article, candidate): accepting twice cannot record twice.</summary>
    public static Guid StatementId(Guid articleId, int number)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"claimsledger/candidate/v1\n{articleId}\n{number}"));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }

    public static ProblemDetails CandidateMissing(Article article, int number, string field) =>
        Problems.Unprocessable(field, $"Article '{article.Id}' has no candidate {number} (it has {article.Candidates.Count}).");

    /// <summary>A decision already taken: the same acceptance again is a no-op, anything else a conflict.</summary>
    public static ProblemDetails AlreadyDecided(Article article, int number) =>
        article.Decisions[number] switch
        {
            { Accepted: true, StatementId: var statement } => Problems.Conflict(
                $"Candidate {number} was already accepted as statement '{statement}'. Correct that statement instead.", "Already accepted."),
            var rejected => Problems.Conflict($"Candidate {number} was rejected ({rejected.Reason}).", "Already rejected."),
        };

    /// <summary>
    /// Works out the statement a candidate becomes with the reviewer's edits, by the same rules as
    /// recording one by hand (validation, speaker and role, topics, stance ladder).
    /// </summary>
    public static async Task<(Plan? Plan, ProblemDetails Problem)> PlanAsync(
        Article article, int number, CandidateEdits edits, string field, ClaimsPrincipal user, IDocumentSession session, LedgerClock clock,
        CancellationToken cancellation)
    {
        var candidate = article.Candidates[number];
        var speakerId = edits.SpeakerId ?? candidate.Speaker.SpeakerId;
        if (speakerId is null)
        {
            var why = candidate.Speaker.Alternatives.Count > 0
                ? $"several registered speakers match “{candidate.Speaker.Name}” ({string.Join(", ", candidate.Speaker.Alternatives)}): choose one with speakerId."
                : $"“{candidate.Speaker.Name}” is not a registered speaker (a new speaker is proposed): register it (POST /api/speakers) or choose one with speakerId.";
            return (null, Problems.Unprocessable(Path(field, "speakerId"), $"Candidate {number}: {why}"));
        }

        var statedAt = edits.StatedAt ?? candidate.StatedAt?.ToString();
        if (statedAt is null)
        {
            return (null, Problems.Unprocessable(Path(field, "statedAt"),
                $"Candidate {number}: the article's publication time is unknown, so there is no default stated time: give statedAt."));
        }

        var topicIds = (edits.TopicIds ?? []).ToList();
        if (edits.Stance is { } stance && !topicIds.Contains(stance.TopicId))
        {
            topicIds.Add(stance.TopicId);
        }

        if (edits.Stance is not null && !Roles.Satisfying(Roles.Editor).Any(user.IsInRole))
        {
            return (null, new ProblemDetails
            {
                Status = StatusCodes.Status403Forbidden,
                Title = "Assessing a stance needs the editor role.",
                Detail = $"Candidate {number}: accept it without a stance, or ask an editor.",
                Type = "https://www.rfc-editor.org/rfc/rfc9110#name-403-forbidden",
            });
        }

        var kind = edits.Kind ?? candidate.Kind;
        var record = new RecordStatement(speakerId.Value, edits.RoleId, candidate.Quote, kind, statedAt, topicIds,
            new SourceInput(article.Outlet, article.Url, article.PublishedAt?.ToString(), article.RetrievedAt, article.ContentSha256,
                candidate.Start, candidate.End, edits.ReportedVia?.Trim()));
        if (Prefixed(Validation.Check(RecordStatementValidator.Instance, record, clock.Now), field) is { } invalid)
        {
            return (null, invalid);
        }

        var references = await RecordStatementEndpoint.LoadAsync(record, session, cancellation);
        if (Prefixed(RecordStatementEndpoint.Validate(record, references), field) is { } unfit)
        {
            return (null, unfit);
        }

        var statementId = StatementId(article.Id, number);
        var events = new List<object> { RecordStatementEndpoint.Decide(record, references, statementId) };
        if (edits.Stance is { } reading)
        {
            var topic = references.Topics.Single(candidateTopic => candidateTopic.Id == reading.TopicId);
            if (!topic.Ladder.Has(reading.Stance))
            {
                return (null, Problems.Unprocessable(Path(field, "stance.stance"),
                    $"'{reading.Stance}' is not on the stance ladder of '{topic.Title}': use one of {string.Join(", ", topic.Ladder.Rungs.Select(rung => rung.Key))}."));
            }

            events.Add(new StanceAssessed(statementId, reading.TopicId, reading.Stance, reading.Rationale?.Trim()));
        }

        var overrides = new List<ReviewOverride>();
        if (speakerId != candidate.Speaker.SpeakerId)
        {
            overrides.Add(new ReviewOverride("speaker", candidate.Speaker.SpeakerId?.ToString() ?? candidate.Speaker.Name, speakerId.ToString()));
        }

        if (kind != candidate.Kind)
        {
            overrides.Add(new ReviewOverride("kind", Kebab(candidate.Kind), Kebab(kind)));
        }

        var chosenStatedAt = StatedTime.Parse(statedAt);
        if (candidate.StatedAt != chosenStatedAt)
        {
            overrides.Add(new ReviewOverride("statedAt", candidate.StatedAt?.ToString(), chosenStatedAt.ToString()));
        }

        var decision = new CandidateAccepted(article.Id, number, statementId, speakerId.Value, kind, chosenStatedAt, topicIds,
            edits.Stance is { } chosen ? new StanceChoice(chosen.TopicId, chosen.Stance, chosen.Rationale?.Trim()) : null, overrides);
        return (new Plan(statementId, [.. events], decision), Problems.None);
    }

    private static string Kebab(QuoteKind kind) => kind.ToString().ToLower(CultureInfo.InvariantCulture);

    private static string Path(string prefix, string field) => prefix.Length == 0 ? field : $"{prefix}.{field}";

    /// <summary>A problem about the statement's fields, named where the reviewer sent them.</summary>
    private static ProblemDetails? Prefixed(ProblemDetails problem, string prefix)
    {
        if (ReferenceEquals(problem, Problems.None) || problem.Status is null)
        {
            return null;
        }

        if (prefix.Length > 0 && problem is ValidationProblemDetails validation)
        {
            var renamed = validation.Errors.ToDictionary(error => $"{prefix}.{error.Key}", error => error.Value);
            validation.Errors.Clear();
            foreach (var (key, value) in renamed)
            {
                validation.Errors[key] = value;
            }
        }

        return problem;
    }
}
