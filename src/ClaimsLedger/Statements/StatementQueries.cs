using ClaimsLedger.Infrastructure;
using ClaimsLedger.Statements.GettingDetails;
using ClaimsLedger.Statements.History;
using Marten;

namespace ClaimsLedger.Statements;

/// <summary>Reads of many statements at one moment of both time axes.</summary>
public static class StatementQueries
{
    /// <summary>
    /// A speaker's statements as known at knownAt (the revisions in force then) and stated by asOf,
    /// withdrawn ones left out; at most <paramref name="max"/>, most recently stated first.
    /// </summary>
    public static async Task<IReadOnlyList<StatementDetails>> OfSpeakerAsync(IQuerySession session, Guid speakerId, TimeTravel travel, int max, CancellationToken cancellation)
    {
        var statedBefore = travel.AsOf?.End;
        IReadOnlyList<StatementDetails> found;
        if (travel.KnownAt is { } knownBy)
        {
            var revisions = session.Query<StatementRevision>()
                .Where(revision => revision.SpeakerId == speakerId && revision.KnownFrom <= knownBy && (revision.KnownUntil == null || revision.KnownUntil > knownBy))
                .Where(revision => revision.Status != StatementStatus.Withdrawn);
            if (statedBefore is { } end)
            {
                revisions = revisions.Where(revision => revision.StatedStart < end);
            }

            found = [.. (await revisions.OrderByDescending(revision => revision.StatedStart).Take(max).ToListAsync(cancellation)).Select(revision => revision.Statement)];
        }
        else
        {
            var statements = session.Query<StatementDetails>()
                .Where(details => details.Attribution.SpeakerId == speakerId && details.Status != StatementStatus.Withdrawn);
            if (statedBefore is { } end)
            {
                statements = statements.Where(details => details.StatedStart < end);
            }

            found = await statements.OrderByDescending(details => details.StatedStart).Take(max).ToListAsync(cancellation);
        }

        return [.. found.Where(statement => travel.HasBeenStated(statement.StatedAt)).Select(statement => statement.AsOf(travel))];
    }
}
