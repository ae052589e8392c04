using ClaimsLedger.Infrastructure.Http;
using ClaimsLedger.Positions.ReviewingShifts;
using ClaimsLedger.Statements;

namespace ClaimsLedger.Positions.GettingTimelines;

/// <summary>
/// A position timeline as CSV, one row per entry in stated-time order:
/// <list type="bullet">
/// <item><c>stated_at</c> at the precision known ("2016-01-27", "2016-01", an instant in UTC);</item>
/// <item><c>speaker</c>, <c>role</c>, <c>organization</c>: the attribution;</item>
/// <item><c>quote</c> and its <c>kind</c> (direct, partial, indirect);</item>
/// <item><c>stance_key</c> and <c>stance_label</c> on the topic's ladder;</item>
/// <item><c>retracted</c> (true or false, as of <c>asOf</c>);</item>
/// <item><c>outlets</c> (separated by "; ") and <c>source_urls</c> (separated by spaces, which URLs cannot hold);</item>
/// <item><c>statement_id</c>;</item>
/// <item><c>shift</c>: the shift into this entry from the previous standing one: No Flip, Half Flip or Full Flop,
/// or none for the first standing entry and for retracted entries, which shifts skip;</item>
/// <item><c>editorial_status</c>: the editor's judgement in force on that shift: confirmed, overridden or unreviewed
/// (none where there is no shift); <c>editorial_rating</c>: the rating the editor gave (the confirmed one, or the
/// overriding one), empty otherwise; <c>editorial_reason</c>: the override's reason or the confirmation's note.</item>
/// </list>
/// Shifts an editor recorded across several entries are not rows of their own here: they are in the JSON timeline.
/// </summary>
public static class PositionTimelineCsv
{
    private static readonly CsvColumn<(TimelineEntryView Entry, ShiftView? Shift)>[] Columns =
    [
        new("stated_at", row => row.Entry.StatedAt.ToString()),
        new("speaker", row => row.Entry.Attribution.SpeakerName),
        new("role", row => row.Entry.Attribution.RoleTitle),
        new("organization", row => row.Entry.Attribution.OrganizationName),
        new("quote", row => row.Entry.Quote),
        new("kind", row => KindOf(row.Entry.Kind)),
        new("stance_key", row => row.Entry.Stance.Key),
        new("stance_label", row => row.Entry.Stance.Label),
        new("retracted", row => Csv.Bool(row.Entry.Retracted)),
        new("outlets", row => string.Join("; ", row.Entry.Sources.Select(source => source.Outlet).Distinct())),
        new("source_urls", row => string.Join(' ', row.Entry.Sources.Select(source => source.Url).OfType<string>().Distinct())),
        new("statement_id", row => row.Entry.StatementId.ToString()),
        new("shift", row => row.Shift is { } shift ? LabelOf(shift.Rating) : "none"),
        new("editorial_status", row => row.Shift switch
        {
            null => "none",
            { Editorial: null } => "unreviewed",
            { Editorial.Judgement: ShiftJudgement.Confirmed } => "confirmed",
            _ => "overridden",
        }),
        new("editorial_rating", row => row.Shift?.Editorial is { } editorial ? LabelOf(editorial.Rating) : null),
        new("editorial_reason", row => row.Shift?.Editorial?.Reason),
    ];

    public static IResult File(PositionTimelineView view, string? asOf, string? knownAt)
    {
        var shiftsInto = view.Shifts.ToDictionary(shift => shift.ToStatementId);
        var rows = view.Entries.Select(entry => (entry, shiftsInto.GetValueOrDefault(entry.StatementId)));
        var name = Csv.FileName(view.Actor.Name, view.Topic.Title, "timeline",
            asOf is null ? null : $"asof-{asOf}", knownAt is null ? null : $"knownat-{knownAt}");
        return Csv.File(name, rows, Columns);
    }

    /// <summary>The Flip-O-Meter's own words.</summary>
    public static string LabelOf(FlipRating rating) => rating switch
    {
        FlipRating.NoFlip => "No Flip",
        FlipRating.HalfFlip => "Half Flip",
        _ => "Full Flop",
    };

    private static string KindOf(QuoteKind kind) => kind switch
    {
        QuoteKind.Direct => "direct",
        QuoteKind.Partial => "partial",
        _ => "indirect",
    };
}
