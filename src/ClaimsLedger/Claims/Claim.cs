using System.Collections.Immutable;
using ClaimsLedger.Infrastructure;

namespace ClaimsLedger.Claims;

/// <summary>
/// A fact-check's finding, as published: the rating (a key of the scale version it was issued under),
/// why, the evidence, who reviewed it and when it was published.
/// </summary>
public sealed record Finding(
    Guid RatingScaleId,
    int ScaleVersion,
    string Rating,
    string Rationale,
    IReadOnlyList<string> Evidence,
    string Reviewer,
    StatedTime PublishedAt,
    string? Url);

// Events of a claim stream.

/// <summary>An editor opened a checkable proposition ("ISIS has gained ground in Libya"), to be rated on a scale.</summary>
public sealed record ClaimOpened(Guid ClaimId, string Text, string? Context, IReadOnlyList<Guid> TopicIds, Guid RatingScaleId);

/// <summary>A verdict was issued on the claim.</summary>
public sealed record VerdictIssued(Guid ClaimId, Guid VerdictId, Finding Finding);

/// <summary>
/// A verdict was revised: <paramref name="VerdictId"/> is the new verdict, <paramref name="Revises"/> the
/// one it replaces, which stays in the claim's history ("After the fact: ...").
/// </summary>
public sealed record VerdictRevised(Guid ClaimId, Guid VerdictId, Guid Revises, Finding Finding, string Reason);

/// <summary>Write model of a claim: which verdict is in force, and which were revised.</summary>
public sealed record Claim(Guid Id, string Text, Guid RatingScaleId, ImmutableList<Guid> Verdicts, ImmutableHashSet<Guid> Revised)
{
    /// <summary>The verdict in force: the last issued or revised one.</summary>
    public Guid? Current => Verdicts.IsEmpty ? null : Verdicts[^1];

    public static Claim Create(ClaimOpened opened) => new(opened.ClaimId, opened.Text, opened.RatingScaleId, [], []);

    public Claim Apply(VerdictIssued issued) => this with { Verdicts = Verdicts.Add(issued.VerdictId) };

    public Claim Apply(VerdictRevised revised) => this with { Verdicts = Verdicts.Add(revised.VerdictId), Revised = Revised.Add(revised.Revises) };
}
