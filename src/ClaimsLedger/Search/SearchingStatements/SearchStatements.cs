using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ClaimsLedger.Infrastructure;
using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using ClaimsLedger.Statements;
using ClaimsLedger.Statements.GettingDetails;
using FluentValidation;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClaimsLedger.Search.SearchingStatements;

/// <summary>A search as the client asked it: the words, the filters and the page.</summary>
public sealed record StatementSearch(
    string? Q,
    Guid? SpeakerId,
    Guid? TopicId,
    string? Outlet,
    string? From,
    string? To,
    string? Kind,
    int? Limit,
    string? Cursor,
    string? Rating = null)
{
    public const int QueryMaxLength = 200;

    /// <summary>The kinds a client may filter on, as the API spells them.</summary>
    public static readonly IReadOnlyDictionary<string, QuoteKind> Kinds =
        Enum.GetValues<QuoteKind>().ToDictionary(kind => JsonNamingPolicy.KebabCaseLower.ConvertName(kind.ToString()), StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// What makes two requests the same search (everything but the page), so a cursor is honoured only
    /// for the search that issued it.
    /// </summary>
    public byte[] Fingerprint()
    {
        var canonical = string.Join('\u001f',
            Q?.Trim() ?? "", SpeakerId?.ToString("N") ?? "", TopicId?.ToString("N") ?? "", Outlet?.Trim().ToLowerInvariant() ?? "",
            From?.Trim() ?? "", To?.Trim() ?? "", Kind?.Trim().ToLowerInvariant() ?? "", Rating?.Trim() ?? "");
        return SHA256.HashData(Encoding.UTF8.GetBytes(canonical))[..SearchCursor.FingerprintLength];
    }

    /// <summary>The stated-time window [start, end): <c>to</c> includes its whole period, or its very instant.</summary>
    public (DateTimeOffset? Start, DateTimeOffset? End, bool EndInclusive) StatedWindow()
    {
        DateTimeOffset? start = From is not null && StatedTime.TryParse(From, out var from) ? from.Start : null;
        if (To is null || !StatedTime.TryParse(To, out var to))
        {
            return (start, null, false);
        }

        return to.Precision == TimePrecision.Instant ? (start, to.Start, true) : (start, to.End, false);
    }
}

public sealed class StatementSearchValidator : AbstractValidator<StatementSearch>
{
    private const string StatedTimeMessage = "{PropertyName} must be a stated time: \"2016\", \"2016-01\", \"2016-01-27\" or an instant with offset.";

    public StatementSearchValidator()
    {
        RuleFor(search => search.Q).RequiredText(StatementSearch.QueryMaxLength).WithName("q");
        RuleFor(search => search.Outlet).OptionalText(CommonRules.NameMaxLength).WithName("outlet");
        RuleFor(search => search.From).Must(text => text is null || StatedTime.TryParse(text, out _)).WithName("from").WithMessage(StatedTimeMessage);
        RuleFor(search => search.To).Must(text => text is null || StatedTime.TryParse(text, out _)).WithName("to").WithMessage(StatedTimeMessage);
        RuleFor(search => search.From)
            .Must((search, _) => search.StatedWindow() is not ({ } start, { } end, var inclusive) || (inclusive ? start <= end : start < end))
            .WithName("from").WithMessage("from must not be after to.");
        RuleFor(search => search.Kind)
            .Must(kind => kind is null || StatementSearch.Kinds.ContainsKey(kind.Trim()))
            .WithName("kind").WithMessage("kind must be one of: " + string.Join(", ", StatementSearch.Kinds.Keys) + ".");
        RuleFor(search => search.Rating).OptionalText(40).WithName("rating");
        RuleFor(search => search.Limit)
            .Must(limit => limit is null or >= 1 and <= Pagination.MaxLimit)
            .WithName("limit").WithMessage($"limit must be between 1 and {Pagination.MaxLimit}.");
        RuleFor(search => search.Cursor)
            .Must((search, cursor) => cursor is null || SearchCursor.TryRead(cursor, search.Fingerprint(), out _))
            .WithName("cursor").WithMessage("cursor is not one this service issued for this search.");
    }
}

/// <summary>
/// Where the next page of a ranked list starts: after the hit with this rank and id (ranks descending,
/// ids ascending among equal ranks). It is opaque to clients: a version byte, the rank's exact bits, the
/// id, and the fingerprint of the search that issued it, in base64url.
/// </summary>
public readonly record struct SearchCursor(double Rank, Guid Id)
{
    public const int FingerprintLength = 8;
    private const byte Version = 1;
    private const int RankAt = 1;
    private const int IdAt = RankAt + sizeof(double);
    private const int FingerprintAt = IdAt + 16;
    private const int Length = FingerprintAt + FingerprintLength;
    private const int MaxTextLength = 128;

    public string Write(byte[] fingerprint)
    {
        Span<byte> bytes = stackalloc byte[Length];
        bytes[0] = Version;
        BinaryPrimitives.WriteDoubleBigEndian(bytes[RankAt..], Rank);
        Id.TryWriteBytes(bytes[IdAt..], bigEndian: true, out _);
        fingerprint.AsSpan(0, FingerprintLength).CopyTo(bytes[FingerprintAt..]);
        return Base64Url.EncodeToString(bytes);
    }

    public static bool TryRead(string text, byte[] fingerprint, out SearchCursor cursor)
    {
        cursor = default;
        Span<byte> bytes = stackalloc byte[Length + 3];
        // IsValid first: TryDecodeFromChars throws on malformed input rather than answering false.
        if (text.Length > MaxTextLength || !Base64Url.IsValid(text, out var decodedLength) || decodedLength != Length ||
            !Base64Url.TryDecodeFromChars(text, bytes, out var written) || written != Length || bytes[0] != Version ||
            !bytes.Slice(FingerprintAt, FingerprintLength).SequenceEqual(fingerprint.AsSpan(0, FingerprintLength)))
        {
            return false;
        }

        var rank = BinaryPrimitives.ReadDoubleBigEndian(bytes[RankAt..]);
        if (!double.IsFinite(rank) || rank < 0)
        {
            return false;
        }

        cursor = new SearchCursor(rank, new Guid(bytes.Slice(IdAt, 16), bigEndian: true));
        return true;
    }
}

/// <summary>Who a hit is attributed to.</summary>
public sealed record HitSpeaker(Guid Id, string Name);

/// <summary>The organization a hit's speaker spoke for, as recorded.</summary>
public sealed record HitOrganization(Guid Id, string Name);

/// <summary>
/// One statement found. <paramref name="Snippet"/> is HTML: the quote's text escaped, with the matched
/// words in <c>&lt;mark&gt;</c>; every other field is plain text for the client to escape.
/// </summary>
/// <param name="Id">The statement.</param>
/// <param name="Url">Where the whole statement is read.</param>
/// <param name="Quote">The quote as it stands (corrections applied), plain text.</param>
/// <param name="Snippet">The quote (or, when long, the passages around the matches) as HTML with matches in &lt;mark&gt;.</param>
/// <param name="Speaker">Who said it.</param>
/// <param name="Role">The role it was said in, as recorded.</param>
/// <param name="Organization">Whom that role speaks for, as recorded.</param>
/// <param name="StatedAt">When it was said, at the precision known.</param>
/// <param name="Kind">direct, partial or indirect.</param>
/// <param name="Outlets">Every outlet on record for it: those that reported it and those they credit.</param>
/// <param name="TopicIds">What it is about.</param>
/// <param name="Retracted">True when the speaker walked it back.</param>
/// <param name="Rank">Relevance (PostgreSQL's ts_rank_cd: the quote weighs most, then the speaker, then the outlets).</param>
public sealed record StatementHit(
    Guid Id,
    string Url,
    string Quote,
    string Snippet,
    HitSpeaker Speaker,
    string? Role,
    HitOrganization? Organization,
    StatedTime StatedAt,
    QuoteKind Kind,
    IReadOnlyList<string> Outlets,
    IReadOnlyList<Guid> TopicIds,
    bool Retracted,
    float Rank)
{
    public static StatementHit From(StatementDetails statement, string snippet, double rank)
    {
        var attribution = statement.Attribution;
        var outlets = statement.Sources
            .SelectMany(source => new[] { source.Outlet, source.ReportedVia })
            .OfType<string>()
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        return new StatementHit(
            statement.Id,
            $"/api/statements/{statement.Id}",
            statement.Quote,
            snippet,
            new HitSpeaker(attribution.SpeakerId, attribution.SpeakerName),
            attribution.RoleTitle,
            attribution.OrganizationId is { } organizationId ? new HitOrganization(organizationId, attribution.OrganizationName ?? "") : null,
            statement.StatedAt,
            statement.Kind,
            outlets,
            statement.TopicIds,
            statement.Status == StatementStatus.Retracted,
            (float)rank);
    }
}

/// <summary>A row of the search: the stored statement, its exact rank and its snippet.</summary>
public sealed record SearchRow(StatementDetails Statement, double Rank, string Snippet);

/// <summary>
/// The search in PostgreSQL, through the Marten session: match and rank against the stored, indexed
/// vectors (<see cref="StatementSearchVectors"/>), page by (rank, id), and highlight only the page.
/// </summary>
public static class StatementSearchQuery
{
    /// <summary>Quotes up to this long are shown whole in the snippet; longer ones as passages around the matches.</summary>
    public const int WholeQuoteLength = 280;

    // The quote escaped for HTML before ts_headline sees it: the text then holds no markup at all (the
    // parser reads each escape as a single token that is never split or highlighted), so the only tags in
    // the snippet are the <mark> and </mark> inserted here. '&' goes first so no escape is escaped twice.
    private const string EscapedQuote =
        "replace(replace(replace(replace(replace(d.data ->> 'quote', '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '\"', '&quot;'), '''', '&#39;')";

    // The query, parsed once per search: as an InitPlan it is one value for the whole statement, whichever
    // plan PostgreSQL caches for the prepared statement (a generic plan would otherwise parse the parameter
    // again for every match it tests and ranks), and the GIN index can still take it as its condition.
    private const string Query = "(select websearch_to_tsquery('english', :q))";

    private const string HeadlineWhole = "StartSel=<mark>, StopSel=</mark>, HighlightAll=true";
    private const string HeadlinePassages = "StartSel=<mark>, StopSel=</mark>, MaxFragments=3, MaxWords=20, MinWords=8, FragmentDelimiter=\" … \"";

    /// <summary>
    /// The SQL of one page over the StatementDetails <paramref name="table"/> (schema-qualified), with only
    /// the filters the search uses; user input is only ever a parameter. Matching and ranking read the
    /// stored vectors alone (the GIN index finds the matches, which are ranked and any phrase rechecked from
    /// the vector as stored, never recomputed from the JSON); a withdrawn statement has no vector, so the
    /// documents are read only for the filters that name them and for the page itself. The rank is carried
    /// as float8 from the start: the value the keyset compares with is then exactly the one that went out
    /// in the cursor. Speaker and stated time filter on the columns the Statements slice duplicates (with
    /// their btree indexes).
    /// </summary>
    public static string Sql(string table, StatementSearch search, bool afterCursor)
    {
        var (start, end, endInclusive) = search.StatedWindow();
        var filters = new StringBuilder();
        if (search.SpeakerId is not null)
        {
            filters.Append(" and d.attributionspeaker_id = :speaker");
        }

        if (search.TopicId is not null)
        {
            filters.Append(" and d.data -> 'topicIds' @> jsonb_build_array(:topic::text)");
        }

        if (search.Outlet is not null)
        {
            filters.Append(" and exists (select 1 from jsonb_array_elements(d.data -> 'sources') as source(report)")
                .Append(" where lower(source.report ->> 'outlet') = lower(:outlet) or lower(source.report ->> 'reportedVia') = lower(:outlet))");
        }

        if (start is not null)
        {
            filters.Append(" and d.stated_start >= :from");
        }

        if (end is not null)
        {
            filters.Append(endInclusive ? " and d.stated_start <= :to" : " and d.stated_start < :to");
        }

        if (search.Kind is not null)
        {
            filters.Append(" and d.data ->> 'kind' = :kind");
        }

        if (search.Rating is not null)
        {
            // Statements that make or restate a claim whose verdict in force carries the rating.
            filters.Append(" and exists (select 1 from jsonb_array_elements(d.data -> 'claims') as link(claim)")
                .Append(" where link.claim ->> 'relation' <> 'contradicts' and (link.claim ->> 'claimId')::uuid = any(:ratedClaims))");
        }

        var sql = new StringBuilder()
            .Append("with matched as (select v.id, ts_rank_cd(v.vector, ").Append(Query).Append(")::float8 as rank from ")
            .Append(StatementSearchVectors.TableBeside(table)).Append(" as v");
        if (filters.Length > 0)
        {
            sql.Append(" join ").Append(table).Append(" as d on d.id = v.id");
        }

        sql.Append(" where v.vector @@ ").Append(Query).Append(filters)
            .Append(") select jsonb_build_object('statement', d.data, 'rank', page.rank, 'snippet', ts_headline('english', ")
            .Append(EscapedQuote)
            .Append(", ").Append(Query).Append(", case when length(d.data ->> 'quote') <= ").Append(WholeQuoteLength)
            .Append(" then '").Append(HeadlineWhole).Append("' else '").Append(HeadlinePassages).Append("' end))")
            .Append(" from (select id, rank from matched");
        if (afterCursor)
        {
            sql.Append(" where rank < :afterRank or (rank = :afterRank and id > :afterId)");
        }

        sql.Append(" order by rank desc, id limit :take) as page join ").Append(table).Append(" as d on d.id = page.id")
            .Append(" order by page.rank desc, page.id");
        return sql.ToString();
    }

    public static async Task<Page<StatementHit>> RunAsync(IQuerySession session, StatementSearch search, CancellationToken cancellation)
    {
        var fingerprint = search.Fingerprint();
        SearchCursor? after = search.Cursor is not null && SearchCursor.TryRead(search.Cursor, fingerprint, out var read) ? read : null;
        var limit = search.Limit ?? Pagination.DefaultLimit;
        var (start, end, _) = search.StatedWindow();
        var table = session.DocumentStore.Options.Schema.For<StatementDetails>();
        var ratedClaims = search.Rating is null ? [] : await RatedClaims.WithRatingAsync(session, search.Rating.Trim(), cancellation);
        if (search.Rating is not null && ratedClaims.Length == 0)
        {
            return new Page<StatementHit>([], null);
        }

        var rows = await session.AdvancedSql.QueryAsync<SearchRow>(
            Sql(table, search, after is not null),
            cancellation,
            new
            {
                q = search.Q!,
                speaker = search.SpeakerId,
                topic = search.TopicId,
                outlet = search.Outlet?.Trim(),
                from = start,
                to = end,
                kind = search.Kind is null ? null : JsonNamingPolicy.KebabCaseLower.ConvertName(StatementSearch.Kinds[search.Kind.Trim()].ToString()),
                ratedClaims,
                afterRank = after?.Rank,
                afterId = after?.Id,
                take = limit + 1,
            });

        var hits = rows.Take(limit).Select(row => StatementHit.From(row.Statement, row.Snippet, row.Rank)).ToList();
        var next = rows.Count > limit ? new SearchCursor(rows[limit - 1].Rank, rows[limit - 1].Statement.Id).Write(fingerprint) : null;
        return new Page<StatementHit>(hits, next);
    }
}

public static class SearchStatementsEndpoint
{
    private static readonly StatementSearchValidator Validator = new();

    public static ProblemDetails Validate(
        string? q, Guid? speakerId, Guid? topicId, string? outlet, string? from, string? to, string? kind, string? rating, int? limit, string? cursor) =>
        Validation.Check(Validator, new StatementSearch(q, speakerId, topicId, outlet, from, to, kind, limit, cursor, rating));

    /// <summary>
    /// Full-text search over statement quotes, speakers (with the role and organization recorded) and
    /// outlets, best match first. <c>q</c> is web-search syntax: words (all required, stemmed, in English),
    /// "quoted phrases", <c>or</c>, and <c>-word</c> to exclude. A match in the quote weighs most, then
    /// one in the speaker, then one in an outlet. Each hit carries an HTML snippet of the quote with the
    /// matches in &lt;mark&gt; (the quote's own text escaped). Withdrawn statements are never found;
    /// retracted ones are, marked. Filter by speaker, topic, outlet (exact name of a reporting or credited
    /// outlet, any case), stated period [from, to], kind and the rating of the claims they make; page with <c>limit</c> and <c>cursor</c>.
    /// </summary>
    /// <param name="q">What to look for, 1 to 200 characters: words, "a phrase", or, -exclude.</param>
    /// <param name="speakerId">Only statements attributed to this speaker.</param>
    /// <param name="topicId">Only statements on this topic.</param>
    /// <param name="outlet">Only statements reported by (or credited to) this outlet: its exact name, any case.</param>
    /// <param name="from">Stated at or after: "2016", "2016-01", "2016-01-27" or an instant with offset.</param>
    /// <param name="to">Stated up to the end of this period (or at this instant at the latest).</param>
    /// <param name="kind">direct, partial or indirect.</param>
    /// <param name="rating">Only statements that make or restate a claim whose verdict in force has this rating key ("false"), read on its scale's current version.</param>
    /// <param name="limit">Hits per page, 1 to 100 (25 by default).</param>
    /// <param name="cursor">The nextCursor of the previous page of this same search.</param>
    /// <param name="session">Marten's session (from the service, not the request).</param>
    /// <param name="cancellation">The request's cancellation.</param>
    [WolverineGet("/api/search/statements"), RequiresRole(Roles.Reader)]
    [Tags("Search")]
    [ProducesResponseType<Page<StatementHit>>(StatusCodes.Status200OK, "application/json")]
    public static async Task<IResult> Get(
        string? q, Guid? speakerId, Guid? topicId, string? outlet, string? from, string? to, string? kind, string? rating, int? limit, string? cursor,
        IQuerySession session, CancellationToken cancellation)
    {
        var search = new StatementSearch(q, speakerId, topicId, outlet, from, to, kind, limit, cursor, rating);
        return Results.Json(await StatementSearchQuery.RunAsync(session, search, cancellation));
    }
}
