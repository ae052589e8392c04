using ClaimsLedger.Infrastructure;
using ClaimsLedger.Infrastructure.Http;
using ClaimsLedger.Speakers;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;

namespace ClaimsLedger.Statements;

/// <param name="Outlet">Who published it ("i-HLS").</param>
/// <param name="Url">The article.</param>
/// <param name="PublishedAt">When it was published, at the precision known.</param>
/// <param name="RetrievedAt">When you read it.</param>
/// <param name="ContentSha256">SHA-256 (hex) of the exact text you read.</param>
/// <param name="QuoteStart">Offset of the quote's first character in that text.</param>
/// <param name="QuoteEnd">Offset just past the quote's last character.</param>
/// <param name="ReportedVia">The outlet this one credits, when it relays another's report.</param>
public sealed record SourceInput(
    string Outlet,
    string? Url = null,
    string? PublishedAt = null,
    DateTimeOffset? RetrievedAt = null,
    string? ContentSha256 = null,
    int? QuoteStart = null,
    int? QuoteEnd = null,
    string? ReportedVia = null)
{
    public Source ToSource() => new(
        Outlet.Trim(),
        Url?.Trim(),
        PublishedAt is null ? null : StatedTime.Parse(PublishedAt),
        RetrievedAt?.ToUniversalTime(),
        ContentSha256?.ToLowerInvariant(),
        QuoteStart,
        QuoteEnd,
        ReportedVia?.Trim());
}

public sealed class SourceInputValidator : AbstractValidator<SourceInput>
{
    public const int MaxTextLength = 5_000_000;

    public SourceInputValidator()
    {
        RuleFor(source => source.Outlet).RequiredText(CommonRules.NameMaxLength);
        RuleFor(source => source.Url).AbsoluteHttpUrl();
        RuleFor(source => source.PublishedAt).StatedTimeNotInFuture();
        RuleFor(source => source.RetrievedAt).Must((_, at, context) => at is null || at <= CommonRules.ClockTime(context)).WithMessage("retrievedAt is in the future.");
        RuleFor(source => source.ContentSha256)
            .Must(hash => hash is null || (hash.Length == 64 && hash.All(Uri.IsHexDigit)))
            .WithMessage("contentSha256 must be 64 hexadecimal characters.");
        RuleFor(source => source.ReportedVia).OptionalText(CommonRules.NameMaxLength);
        RuleFor(source => source.QuoteEnd)
            .Must((source, end) => (source.QuoteStart is null) == (end is null))
            .WithMessage("quoteStart and quoteEnd come together.");
        When(source => source.QuoteStart is not null && source.QuoteEnd is not null, () =>
        {
            RuleFor(source => source.QuoteStart).InclusiveBetween(0, MaxTextLength);
            RuleFor(source => source.QuoteEnd)
                .Must((source, end) => end > source.QuoteStart && end <= MaxTextLength)
                .WithMessage("quoteEnd must be after quoteStart.");
        });
    }
}

public static class StatementRules
{
    public const int QuoteMaxLength = 10_000;
    public const int MaxTopics = 20;

    public static IRuleBuilderOptions<T, string?> Quote<T>(this IRuleBuilder<T, string?> rule) =>
        rule.RequiredText(QuoteMaxLength);

    /// <summary>A verbatim quote fills exactly the span its offsets mark; a paraphrase need not.</summary>
    public static bool SpanFitsQuote(string? quote, QuoteKind kind, SourceInput? source) =>
        quote is null || kind == QuoteKind.Indirect || source?.QuoteStart is null || source.QuoteEnd is null ||
        source.QuoteEnd - source.QuoteStart == quote.Length;

    public const string SpanMessage = "A direct or partial quote fills its span exactly: quoteEnd - quoteStart must equal the quote's length.";

    /// <summary>
    /// Resolves the attribution of a statement: the named role of the speaker, or the role they
    /// held when the statement was made. A role that is not the speaker's is refused.
    /// </summary>
    public static (Attribution? Attribution, ProblemDetails Problem) Attribute(
        Speaker? speaker, Guid speakerId, Guid? roleId, StatedTime statedAt, string speakerField, string roleField)
    {
        if (speaker is null)
        {
            return (null, Problems.Unprocessable(speakerField, $"There is no speaker with id '{speakerId}'."));
        }

        SpeakerRole? role;
        if (roleId is { } id)
        {
            role = speaker.Roles.FirstOrDefault(candidate => candidate.RoleId == id);
            if (role is null)
            {
                return (null, Problems.Unprocessable(roleField, $"Speaker '{speaker.Name}' has no role with id '{id}'."));
            }
        }
        else
        {
            role = speaker.Roles.RoleAt(statedAt);
        }

        return (new Attribution(speaker.Id, speaker.Name, role?.RoleId, role?.Title, role?.OrganizationId, role?.OrganizationName), Problems.None);
    }

    public static ProblemDetails Withdrawn(Guid id) =>
        Problems.Conflict($"Statement '{id}' was withdrawn as recorded in error; it can no longer change.", "The statement was withdrawn.");
}
