using ClaimsLedger.Statements.GettingDetails;
using Marten;

namespace ClaimsLedger.Search;

/// <summary>
/// Quote search reads the inline <see cref="StatementDetails"/> view through one weighted full-text
/// index on its table, declared here so that setup (and Marten's migrations) create it with the rest.
/// </summary>
public static class Configuration
{
    public const string SearchIndexName = "mt_doc_statementdetails_idx_search";

    /// <summary>
    /// The document vector the index holds and every search matches and ranks against: the quote at
    /// weight A; the speaker's name, role and organization as recorded at B; the outlets of every report
    /// (the publishing outlet and the one it credits) at C. Each part is converted on its own and the
    /// vectors are concatenated, since a weight labels a vector; <c>coalesce</c> keeps an absent role
    /// from emptying the whole vector. Every function here is immutable, as an index expression must be.
    /// The query side uses this very text, so PostgreSQL matches it to the index.
    /// </summary>
    /// <remarks>
    /// Written as PostgreSQL prints it back (<c>pg_get_indexdef</c>), without spaces: explicit casts, the
    /// jsonpath's quoted keys and its default arguments. Marten compares that print-out, so normalized,
    /// with this text on every migration; any other spelling of the same expression reads as a change and
    /// drops and rebuilds the index each time setup runs (a test checks that it does not).
    /// </remarks>
    public const string SearchVector =
        "setweight(to_tsvector('english',coalesce(data->>'quote','')),'A'::\"char\")" +
        "||setweight(to_tsvector('english',coalesce(data#>>'{attribution,speakerName}'::text[],'')||' '||" +
        "coalesce(data#>>'{attribution,roleTitle}'::text[],'')||' '||" +
        "coalesce(data#>>'{attribution,organizationName}'::text[],'')),'B'::\"char\")" +
        "||setweight(to_tsvector('english',jsonb_path_query_array(data,'$.\"sources\"[*].\"outlet\"'::jsonpath,'{}'::jsonb,false)||" +
        "jsonb_path_query_array(data,'$.\"sources\"[*].\"reportedVia\"'::jsonpath,'{}'::jsonb,false)),'C'::\"char\")";

    public static StoreOptions AddSearch(this StoreOptions options)
    {
        // Marten's full-text index over an expression that is already a (weighted) tsvector: a GIN index
        // on the document table, created and migrated by Marten like every other schema object.
        options.Schema.For<StatementDetails>().FullTextIndex(index =>
        {
            index.Name = SearchIndexName;
            index.TsVectorExpression = SearchVector;
        });
        return options;
    }
}
