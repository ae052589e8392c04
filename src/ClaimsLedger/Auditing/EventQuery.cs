using System.Globalization;
using ClaimsLedger.Infrastructure;
using ClaimsLedger.Infrastructure.Http;
using Microsoft.AspNetCore.Mvc;

namespace ClaimsLedger.Auditing;

/// <summary>The query parameters auditors filter the log with, checked once for every endpoint that reads it.</summary>
public static class EventQuery
{
    public const int MaxPage = 1_000;
    public const int DefaultPage = 100;

    public static ProblemDetails Read(
        Guid? streamId, string? type, string? user, string? from, string? to, string? cursor, out EventFilter filter)
    {
        filter = new EventFilter(StreamId: streamId);
        if (type is { Length: > 200 })
        {
            return Problems.Invalid("type", "type is an event type name such as 'statement_recorded'.");
        }

        if (user is { Length: > 200 })
        {
            return Problems.Invalid("user", "user is at most 200 characters.");
        }

        DateTimeOffset? recordedFrom = null, recordedTo = null;
        if (from is not null)
        {
            if (!StatedTime.TryParse(from, out var moment))
            {
                return Problems.Invalid("from", "from must be a moment: \"2016-01-26\", \"2016-01\" or an instant with offset.");
            }

            recordedFrom = moment.Start;
        }

        if (to is not null)
        {
            if (!StatedTime.TryParse(to, out var moment))
            {
                return Problems.Invalid("to", "to must be a moment: \"2016-01-26\", \"2016-01\" or an instant with offset.");
            }

            recordedTo = moment.Precision == TimePrecision.Instant ? moment.Start : moment.End.AddTicks(-1);
        }

        long after = 0;
        if (cursor is not null && (!long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out after) || after < 0))
        {
            return Problems.Invalid("cursor", "cursor is the sequence number a previous page returned as nextCursor.");
        }

        filter = new EventFilter(after, null, streamId, type, user, recordedFrom, recordedTo);
        return Problems.None;
    }

    public static ProblemDetails CheckLimit(int? limit) =>
        limit is < 1 or > MaxPage ? Problems.Invalid("limit", $"limit must be between 1 and {MaxPage}.") : Problems.None;
}
