using ClaimsLedger.Infrastructure;
using ClaimsLedger.RatingScales;
using ClaimsLedger.RatingScales.GettingDetails;
using ClaimsLedger.Statements;
using ClaimsLedger.Statements.GettingDetails;
using ClaimsLedger.Statements.History;
using Marten;

namespace ClaimsLedger.Claims.GettingHistory;

/// <summary>A rating as issued (under <paramref name="ScaleVersion"/>), or as it reads on a later version of the scale.</summary>
public sealed record RatingView(string Key, string Label, int Value, int ScaleVersion);

/// <summary>
/// A verdict in a claim's history. <c>Rating</c> is the rating under the scale version it was issued on;
/// <c>RatingNow</c> the same mapped onto the scale's current version; <c>InForce</c> whether it is the
/// claim's verdict now (a revised verdict stays, with <c>RevisedBy</c>); <c>Headline</c> one line for
/// the history: "Mostly True", or "After the fact: True (was Mostly True)".
/// </summary>
public sealed record VerdictView(
    Guid VerdictId,
    Guid? Revises,
    Guid? RevisedBy,
    RatingView Rating,
    RatingView RatingNow,
    string Rationale,
    IReadOnlyList<string> Evidence,
    string Reviewer,
    StatedTime PublishedAt,
    string? Url,
    string? Reason,
    DateTimeOffset RecordedAt,
    bool InForce,
    string Headline);

/// <summary>A statement linked to the claim, as it stands (quote, speaker, sources), with the link.</summary>
public sealed record LinkedStatement(
    Guid StatementId,
    string Url,
    ClaimRelation Relation,
    string? Note,
    DateTimeOffset LinkedAt,
    string Quote,
    QuoteKind Kind,
    Attribution Attribution,
    StatedTime StatedAt,
    IReadOnlyList<Source> Sources,
    StatementStatus Status);

/// <summary>One line of the claim's history, in the order things happened in the world (stated or published time).</summary>
public sealed record HistoryEntry(string Kind, StatedTime At, string Summary, Guid? StatementId, Guid? VerdictId);

public sealed record ScaleReference(Guid Id, string Name, int CurrentVersion);

/// <summary>
/// A claim's whole history: the claim, every linked statement with its sources, every verdict and
/// revision (a revision never erases the verdict it replaces), and the lot as one ordered history.
/// </summary>
public sealed record ClaimHistoryView(
    Guid Id,
    string Text,
    string? Context,
    IReadOnlyList<Guid> TopicIds,
    ScaleReference Scale,
    DateTimeOffset OpenedAt,
    VerdictView? Current,
    IReadOnlyList<LinkedStatement> Statements,
    IReadOnlyList<VerdictView> Verdicts,
    IReadOnlyList<HistoryEntry> History,
    long Version);

public static class ClaimHistoryReader
{
    /// <summary>The claim as known at <see cref="TimeTravel.KnownAt"/> and as the world stood at <see cref="TimeTravel.AsOf"/>; null when unknown then.</summary>
    public static async Task<ClaimHistoryView?> ReadAsync(IQuerySession session, Guid id, TimeTravel travel, CancellationToken cancellation)
    {
        var history = await session.LoadAsync<ClaimHistory>(id, cancellation);
        if (history is null || !travel.WasKnown(history.OpenedAt))
        {
            return null;
        }

        var scale = (await RatingScales.GettingDetails.RatingScales.LoadAsync(session, history.RatingScaleId, travel, cancellation))!.ToScale();
        return await ReadAsync(session, history, scale, travel, cancellation);
    }

    /// <summary>The view of a claim already loaded with its scale (callers that need the scale too read each once).</summary>
    public static async Task<ClaimHistoryView> ReadAsync(IQuerySession session, ClaimHistory history, RatingScale scale, TimeTravel travel, CancellationToken cancellation)
    {
        var verdicts = Verdicts(history, scale, travel);
        var statements = await StatementsAsync(session, history, travel, cancellation);

        var entries = new List<HistoryEntry>();
        entries.AddRange(statements.Select(statement => new HistoryEntry("statement", statement.StatedAt,
            $"{statement.Attribution.SpeakerName} ({statement.Relation.ToString().ToLowerInvariant()}): “{statement.Quote}”", statement.StatementId, null)));
        entries.AddRange(verdicts.Select(verdict => new HistoryEntry(verdict.Revises is null ? "verdict" : "revision", verdict.PublishedAt,
            verdict.Headline, null, verdict.VerdictId)));
        var version = history.Verdicts.Count(verdict => travel.WasKnown(verdict.RecordedAt)) + 1;

        return new ClaimHistoryView(history.Id, history.Text, history.Context, history.TopicIds,
            new ScaleReference(scale.Id, scale.Current.Name, scale.Versions.Count), history.OpenedAt,
            verdicts.LastOrDefault(verdict => verdict.InForce), statements, verdicts,
            [.. entries.OrderBy(entry => entry.At).ThenBy(entry => entry.Kind == "statement" ? 0 : 1)], version);
    }

    /// <summary>The verdicts recorded by knownAt and published by asOf, each read on its own scale version and on the current one.</summary>
    public static IReadOnlyList<VerdictView> Verdicts(ClaimHistory history, RatingScale scale, TimeTravel travel)
    {
        var known = history.Verdicts.Where(verdict => travel.WasKnown(verdict.RecordedAt) && travel.HasBeenStated(verdict.Finding.PublishedAt)).ToList();
        var views = new List<VerdictView>();
        foreach (var verdict in known)
        {
            var revisedBy = known.FirstOrDefault(other => other.Revises == verdict.VerdictId)?.VerdictId;
            var issued = Read(scale, verdict.Finding.ScaleVersion, verdict.Finding.Rating);
            var now = Read(scale, verdict.Finding.ScaleVersion, verdict.Finding.Rating, scale.Versions.Count);
            var replaced = verdict.Revises is { } revises ? views.FirstOrDefault(view => view.VerdictId == revises) : null;
            var headline = replaced is null ? issued.Label : $"After the fact: {issued.Label} (was {replaced.Rating.Label})";
            views.Add(new VerdictView(verdict.VerdictId, verdict.Revises, revisedBy, issued, now, verdict.Finding.Rationale, verdict.Finding.Evidence,
                verdict.Finding.Reviewer, verdict.Finding.PublishedAt, verdict.Finding.Url, verdict.Reason, verdict.RecordedAt, revisedBy is null, headline));
        }

        return views;
    }

    /// <summary>A rating key of version <paramref name="version"/>, read on version <paramref name="on"/> (its own when omitted).</summary>
    public static RatingView Read(RatingScale scale, int version, string key, int? on = null)
    {
        var target = on ?? version;
        var rating = scale.Map(version, key, target);
        return rating is null ? new RatingView(key, key, 0, target) : new RatingView(rating.Key, rating.Label, rating.Value, target);
    }

    /// <summary>The most linked statements a history shows.</summary>
    public const int MaxStatements = 1_000;

    /// <summary>
    /// The statements linked to the claim: from the statements' own views (the link is a statement
    /// event), as they stood at knownAt, with the link in force then.
    /// </summary>
    public static async Task<IReadOnlyList<StatementDetails>> LinkedAsync(IQuerySession session, Guid claimId, TimeTravel travel, CancellationToken cancellation)
    {
        IReadOnlyList<StatementDetails> linked;
        if (travel.KnownAt is { } knownBy)
        {
            linked = [.. (await session.Query<StatementRevision>()
                .Where(revision => revision.KnownFrom <= knownBy && (revision.KnownUntil == null || revision.KnownUntil > knownBy))
                .Where(revision => revision.Status != StatementStatus.Withdrawn)
                .Where(revision => revision.Statement.Claims.Any(link => link.ClaimId == claimId))
                .Take(MaxStatements)
                .ToListAsync(cancellation)).Select(revision => revision.Statement)];
        }
        else
        {
            linked = await session.Query<StatementDetails>()
                .Where(details => details.Status != StatementStatus.Withdrawn)
                .Where(details => details.Claims.Any(link => link.ClaimId == claimId))
                .Take(MaxStatements)
                .ToListAsync(cancellation);
        }

        return [.. linked.Where(statement => travel.HasBeenStated(statement.StatedAt)).Select(statement => statement.AsOf(travel))];
    }

    private static async Task<IReadOnlyList<LinkedStatement>> StatementsAsync(IQuerySession session, ClaimHistory history, TimeTravel travel, CancellationToken cancellation)
    {
        var statements = new List<LinkedStatement>();
        foreach (var statement in await LinkedAsync(session, history.Id, travel, cancellation))
        {
            var link = statement.Claims.Single(link => link.ClaimId == history.Id);
            statements.Add(new LinkedStatement(statement.Id, $"/api/statements/{statement.Id}", link.Relation, link.Note, link.LinkedAt, statement.Quote,
                statement.Kind, statement.Attribution, statement.StatedAt, statement.Sources, statement.Status));
        }

        return [.. statements.OrderBy(statement => statement.StatedAt).ThenBy(statement => statement.LinkedAt)];
    }
}
