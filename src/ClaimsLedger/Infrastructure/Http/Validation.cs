using FluentValidation;
using Microsoft.AspNetCore.Mvc;

namespace ClaimsLedger.Infrastructure.Http;

/// <summary>Runs a request's FluentValidation rules and turns failures into a 400 naming each field.</summary>
public static class Validation
{
    public static ProblemDetails Check<T>(AbstractValidator<T> validator, T request)
    {
        var result = validator.Validate(request);
        if (result.IsValid)
        {
            return Problems.None;
        }

        var errors = result.Errors
            .GroupBy(failure => JsonPath(failure.PropertyName))
            .ToDictionary(group => group.Key, group => group.Select(failure => failure.ErrorMessage).Distinct().ToArray());
        return Problems.Invalid(errors);
    }

    /// <summary>"Source.QuoteStart" becomes "source.quoteStart", "TopicIds[0]" becomes "topicIds[0]": the names the client sent.</summary>
    public static string JsonPath(string propertyPath) =>
        string.Join('.', propertyPath.Split('.').Select(segment =>
            segment.Length == 0 ? segment : char.ToLowerInvariant(segment[0]) + segment[1..]));
}

/// <summary>Rules shared by many requests.</summary>
public static class CommonRules
{
    public const int NameMaxLength = 200;
    public const int ReasonMaxLength = 2_000;

    /// <summary>Trimmed, non-empty, bounded, and free of control characters.</summary>
    public static IRuleBuilderOptions<T, string?> RequiredText<T>(this IRuleBuilder<T, string?> rule, int maxLength) =>
        rule.Must(text => !string.IsNullOrWhiteSpace(text)).WithMessage("{PropertyName} is required.")
            .MaximumLength(maxLength)
            .Must(NoControlCharacters).WithMessage("{PropertyName} must not contain control characters.");

    public static IRuleBuilderOptions<T, string?> OptionalText<T>(this IRuleBuilder<T, string?> rule, int maxLength) =>
        rule.MaximumLength(maxLength)
            .Must(NoControlCharacters).WithMessage("{PropertyName} must not contain control characters.");

    /// <summary>The stream version the client last read: optimistic concurrency is not optional.</summary>
    public static IRuleBuilderOptions<T, long> ExpectedVersion<T>(this IRuleBuilder<T, long> rule) =>
        rule.GreaterThan(0).WithMessage("expectedVersion is required: send the version you last read (optimistic concurrency).");

    public static IRuleBuilderOptions<T, string?> StatedTimeNotInFuture<T>(this IRuleBuilder<T, string?> rule, DateTimeOffset now) =>
        rule.Must(text => text is null || StatedTime.TryParse(text, out _))
            .WithMessage("{PropertyName} must be \"yyyy\", \"yyyy-MM\", \"yyyy-MM-dd\" or an ISO 8601 instant with an offset.")
            .Must(text => text is null || !StatedTime.TryParse(text, out var t) || !t.StartsAfter(now))
            .WithMessage("{PropertyName} is in the future.");

    public static IRuleBuilderOptions<T, string?> AbsoluteHttpUrl<T>(this IRuleBuilder<T, string?> rule) =>
        rule.MaximumLength(2_000)
            .Must(url => url is null || (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            .WithMessage("{PropertyName} must be an absolute http(s) URL.");

    /// <summary>Line breaks and tabs are text; other control characters are not.</summary>
    public static bool NoControlCharacters(string? text) =>
        text is null || !text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'));
}
