using System.Globalization;
using System.Text;
using CsvHelper;
using Microsoft.Net.Http.Headers;

namespace ClaimsLedger.Infrastructure.Http;

/// <summary>One column of a CSV download: its header and how a row's cell is read from a record.</summary>
public sealed record CsvColumn<T>(string Name, Func<T, string?> Value);

/// <summary>
/// CSV downloads for spreadsheet users, written by CsvHelper:
/// <list type="bullet">
/// <item>RFC 4180: comma separated, CRLF line ends, fields holding a comma, a quote or a line break are
/// quoted with inner quotes doubled;</item>
/// <item>UTF-8 with a byte order mark, which is what makes Excel read it as UTF-8 rather than the
/// machine's code page (CSV readers, CsvHelper's among them, skip it);</item>
/// <item>CSV injection defence (OWASP): a text cell starting with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>,
/// a tab or a CR gets a leading <c>'</c> (and quotes), so a spreadsheet shows it as text instead of running
/// it as a formula. Quotes come from officials and outlets, not from us; they are untrusted input;</item>
/// <item>served as an attachment with a file name, so a browser link downloads it.</item>
/// </list>
/// </summary>
public static class Csv
{
    public const string MediaType = "text/csv";

    /// <summary>The Content-Type of every CSV download (RFC 4180's optional <c>header</c> parameter says the first line names the columns).</summary>
    public const string ContentType = "text/csv; charset=utf-8; header=present";

    /// <summary>The writer's settings: CsvHelper's RFC 4180 defaults with the injection defence on.</summary>
    public static readonly CsvWriterOptions Options = CsvWriterOptions.Default with
    {
        Injection = CsvInjection.Escape,
        WriteByteOrderMark = true,
    };

    /// <summary>A download of <paramref name="records"/>, one row each, under a header of the columns' names.</summary>
    public static IResult File<T>(string fileName, IEnumerable<T> records, IReadOnlyList<CsvColumn<T>> columns) =>
        File(fileName, [.. columns.Select(column => column.Name)],
            records.Select(record => columns.Select(column => column.Value(record)).ToArray()));

    /// <summary>A download of rows of cells (null is an empty cell) under <paramref name="header"/>.</summary>
    public static IResult File(string fileName, IReadOnlyList<string> header, IEnumerable<string?[]> rows) =>
        new CsvFile(fileName, header, rows);

    /// <summary>
    /// A file name from readable parts: lower-case ASCII letters and digits, other runs of characters as one
    /// <c>-</c>, accents dropped ("Émile Lahoud" gives "emile-lahoud"), each part at most 60 characters,
    /// parts joined by <c>_</c>, then ".csv".
    /// </summary>
    public static string FileName(params IEnumerable<string?> parts)
    {
        var slugs = parts.Select(Slug).Where(slug => slug.Length > 0).ToList();
        return (slugs.Count == 0 ? "export" : string.Join('_', slugs)) + ".csv";
    }

    /// <summary>A boolean as spreadsheets and scripts read it alike.</summary>
    public static string Bool(bool value) => value ? "true" : "false";

    /// <summary>A number in the invariant culture.</summary>
    public static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Slug(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "";
        }

        var slug = new StringBuilder(Math.Min(text.Length, 60));
        foreach (var c in text.Normalize(NormalizationForm.FormD))
        {
            if (slug.Length >= 60)
            {
                break;
            }

            if (char.IsAsciiLetterOrDigit(c))
            {
                slug.Append(char.ToLowerInvariant(c));
            }
            else if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark && slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }
        }

        return slug.ToString().Trim('-');
    }

    /// <summary>Streams the rows to the response as they are written, flushing asynchronously.</summary>
    private sealed class CsvFile(string fileName, IReadOnlyList<string> header, IEnumerable<string?[]> rows)
        : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
    {
        public int? StatusCode => StatusCodes.Status200OK;

        string? IContentTypeHttpResult.ContentType => Csv.ContentType;

        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = Csv.ContentType;
            var disposition = new ContentDispositionHeaderValue("attachment");
            // Sets filename= (ASCII) and filename*= (RFC 5987, UTF-8) both.
            disposition.SetHttpFileName(fileName);
            response.Headers.ContentDisposition = disposition.ToString();
            response.Headers.XContentTypeOptions = "nosniff";

            var cancellation = httpContext.RequestAborted;
            await using var writer = CsvWriter.Create(response.Body, Options, leaveOpen: true);
            await writer.WriteRecordAsync([.. header], cancellation);
            foreach (var row in rows)
            {
                await writer.WriteRecordAsync(row, cancellation);
            }

            await writer.FlushAsync(cancellation);
        }
    }
}
