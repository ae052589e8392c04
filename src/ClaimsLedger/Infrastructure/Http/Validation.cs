using FluentValidation;
using Microsoft.AspNetCore.Mvc;

namespace ClaimsLedger.Infrastructure.Http;

/// <summary>Runs a request's FluentValidation rules and turns failures into a 400 naming each field.</summary>
public static class Validation
{
    public static ProblemDetails Check<T>(AbstractValidator<T> validator, T request) => Check(validator, new ValidationContext<T>(request));

    /// <summary>
    /// With the ledger clock's time, for rules that refuse the future (<see cref="CommonRules.StatedTimeNotInFuture{T}"/>).
    /// Validators are built once (building one compiles its rules' expressions) and read the time from here.
    /// </summary>
    public static ProblemDetails Check<T>(AbstractValidator<T> validator, T request, DateTimeOffset now)
    {
        var context = new ValidationContext<T>(request);
        context.RootContextData[CommonRules.NowKey] = now;
        return Check(validator, context);
    }

    private static ProblemDetails Check<T>(AbstractValidator<T> validator, ValidationContext<T> context)
    {
        var result = validator.Validate(context);
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

    /// <summary>Where <see cref="Validation.Check{T}(AbstractValidator{T}, T, DateTimeOffset)"/> puts the ledger clock's time.</summary>
    public const string NowKey = "claimsledger.now";

    /// <summary>A stated time, not after the ledger clock's time given to <see cref="Validation.Check{T}(AbstractValidator{T}, T, DateTimeOffset)"/>.</summary>
    public static IRuleBuilderOptions<T, string?> StatedTimeNotInFuture<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(text => text is null || StatedTime.TryParse(text, out _))
            .WithMessage("{PropertyName} must be \"yyyy\", \"yyyy-MM\", \"yyyy-MM-dd\" or an ISO 8601 instant with an offset.")
            .Must((_, text, context) => text is null || !StatedTime.TryParse(text, out var t) || !t.StartsAfter(ClockTime(context)))
            .WithMessage("{PropertyName} is in the future.");

    /// <summary>The ledger clock's time the validation was given.</summary>
    public static DateTimeOffset ClockTime(IValidationContext context) =>
        context.RootContextData.TryGetValue(NowKey, out var now) && now is DateTimeOffset time
            ? time
            : throw new InvalidOperationException("A rule about the future was checked without the ledger clock's time: use Validation.Check(validator, request, clock.Now).");

    public static IRuleBuilderOptions<T, string?> AbsoluteHttpUrl<T>(this IRuleBuilder<T, string?> rule) =>
        rule.MaximumLength(2_000)
            .Must(url => url is null || (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            .WithMessage("{PropertyName} must be an absolute http(s) URL.");

    /// <summary>Line breaks and tabs are text; other control characters are not.</summary>
    public static bool NoControlCharacters(string? text) =>
        text is null || !text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'));
}
