using Marten;

namespace ClaimsLedger.Search;

/// <summary>
/// Quote search matches and ranks against each statement's weighted vector, stored beside the inline
/// StatementDetails view (<see cref="StatementSearchVectors"/>) and declared here so that setup (Marten's
/// migration) creates and migrates it with the rest.
/// </summary>
public static class Configuration
{
    /// <summary>The GIN index on the stored vectors: every search's match goes through it.</summary>
    public const string SearchIndexName = StatementSearchVectors.TableName + "_idx_vector";

    /// <summary>
    /// The document vector stored for each statement, computed by PostgreSQL from its StatementDetails
    /// document: the quote at weight A; the speaker's name, role and organization as recorded at B; the
    /// outlets of every report (the publishing outlet and the one it credits) at C. Each part is converted
    /// on its own and the vectors are concatenated, since a weight labels a vector; <c>coalesce</c> keeps an
    /// absent role from emptying the whole vector. Every function here is immutable, so the same document
    /// always gives the same vector, whichever path wrote it.
    /// </summary>
    /// <remarks>
    /// Written as PostgreSQL prints an expression back, without spaces (it was an index expression, which
    /// Marten compared in that form); it now sits in the trigger function's body, which PostgreSQL keeps as
    /// written and Weasel compares whitespace aside. Changing it changes that function, so the next setup
    /// replaces the function; refill the stored vectors then (rebuild StatementDetails).
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
        // A feature of its own rather than ExtendedSchemaObjects: Marten migrates those before any document
        // table, and the vectors' key and trigger need the StatementDetails table to exist.
        options.Storage.Add(new StatementSearchVectors(options));
        return options;
    }
}
