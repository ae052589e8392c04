using ClaimsLedger.Statements.GettingDetails;
using Marten;
using Weasel.Core;
using Weasel.Core.Migrations;
using Weasel.Postgresql;
using Weasel.Postgresql.Functions;
using Weasel.Postgresql.Tables;
using Weasel.Postgresql.Triggers;
using CascadeAction = Weasel.Core.CascadeAction;

namespace ClaimsLedger.Search;

/// <summary>
/// Each searchable statement's vector (<see cref="Configuration.SearchVector"/>), stored in a table of our
/// own with a GIN index, so a search matches and ranks from the stored vectors instead of recomputing each
/// one from the document's JSON (what an index on the expression left it to do). A withdrawn statement has
/// none: it is never found, so a search needs no document until it has its page.
/// </summary>
/// <remarks>
/// <para>
/// PostgreSQL keeps the table in step: a trigger on the StatementDetails table writes the vector of every
/// document inserted or updated (and removes it once the statement is withdrawn), in the same statement and
/// so the same transaction, whichever path wrote it (the inline projection on append, the while-serving
/// refresh, the daemon's rebuild and so the import), and the key to the document cascades its removal
/// (Marten's rebuild truncates with <c>cascade</c>). The trigger fires on every write, not only when the
/// searched fields change, so rewriting a document (a rebuild) also rewrites its vector; an unchanged
/// vector is not written again.
/// </para>
/// <para>
/// The table, function and trigger are a Marten feature, so setup creates and migrates them with Marten's
/// own tables and a later migration compares them (and finds nothing to change); Marten's own table is left
/// exactly as Marten declares it. The runtime role writes the table through the trigger, with the
/// privileges setup grants on every table of the schema.
/// </para>
/// </remarks>
public sealed class StatementSearchVectors(StoreOptions options) : FeatureSchemaBase("StatementSearchVectors", options.Advanced.Migrator)
{
    public const string TableName = "statement_search_vectors";
    public const string FunctionName = "statement_search_vectors_write";
    public const string TriggerName = "statement_search_vectors_write";

    /// <summary>The vectors' table beside the StatementDetails table <paramref name="documents"/> (schema-qualified).</summary>
    public static string TableBeside(string documents) => $"{documents[..documents.LastIndexOf('.')]}.{TableName}";

    /// <summary>
    /// Writes the vector of each searchable document that has none: those written before the table existed,
    /// when setup migrates a database from an earlier version. The trigger keeps every later write in step.
    /// </summary>
    public static string FillMissingSql(string documents) => $"""
        insert into {TableBeside(documents)} (id, vector)
        select document.id, {Configuration.SearchVector} from {documents} as document
        where document.data ->> 'status' <> 'withdrawn'
          and not exists (select 1 from {TableBeside(documents)} as stored where stored.id = document.id)
        """;

    protected override IEnumerable<ISchemaObject> schemaObjects()
    {
        var documents = ((IReadOnlyStoreOptions)options).Schema.For<StatementDetails>();
        var documentTable = PostgresqlProvider.Instance.Parse(documents);
        var vectors = TableBeside(documents);
        var schema = documentTable.Schema;

        var table = new Table(vectors);
        table.AddColumn<Guid>("id").AsPrimaryKey()
            .ForeignKeyTo(new PostgresqlObjectName(schema, documentTable.Name, SchemaUtils.IdentifierUsage.General), "id",
                $"{TableName}_id_fkey", CascadeAction.Cascade, CascadeAction.NoAction);
        table.AddColumn("vector", "tsvector").NotNull().AddIndex(index =>
        {
            index.Name = Configuration.SearchIndexName;
            index.Method = IndexMethod.gin;
        });
        yield return table;

        // As pg_get_functiondef prints it, so Weasel's comparison finds it unchanged. The document's JSON is
        // read as "data", the name the expression uses.
        yield return Function.ForSql($"""
            CREATE OR REPLACE FUNCTION {schema}.{FunctionName}()
             RETURNS trigger
             LANGUAGE plpgsql
            AS $function$
            begin
                if new.data ->> 'status' = 'withdrawn' then
                    delete from {vectors} where id = new.id;
                else
                    insert into {vectors} as stored (id, vector)
                    select new.id, {Configuration.SearchVector} from (select new.data as data) as document
                    on conflict (id) do update set vector = excluded.vector where stored.vector is distinct from excluded.vector;
                end if;
                return null;
            end
            $function$;
            """);

        yield return new Trigger(new PostgresqlObjectName(schema, TriggerName, SchemaUtils.IdentifierUsage.General), documentTable,
            $"{schema}.{FunctionName}()")
        {
            Timing = TriggerTiming.After,
            Events = TriggerEvents.Insert | TriggerEvents.Update,
        };
    }
}
