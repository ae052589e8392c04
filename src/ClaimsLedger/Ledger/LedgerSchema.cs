namespace ClaimsLedger.Ledger;

/// <summary>
/// The ledger's own tables, and the second wall of the append-only rule: triggers that refuse to
/// change or remove event rows (and ledger rows) whoever asks, the owner included. The first wall is
/// the runtime role's privileges (<see cref="Grants"/>). Every statement is idempotent.
/// </summary>
public static class LedgerSchema
{
    /// <summary>Tables no one may update, delete from or truncate.</summary>
    public static readonly string[] AppendOnlyTables = ["mt_events", "ledger_leaves", "ledger_nodes", "ledger_checkpoints"];

    public static string Ddl(string schema) => $"""
        create table if not exists {schema}.ledger_leaves (
            leaf_index bigint primary key,
            seq_id     bigint not null unique,
            event_id   uuid   not null,
            leaf_hash  bytea  not null check (length(leaf_hash) = 32));
        create table if not exists {schema}.ledger_nodes (
            level      integer not null,
            node_index bigint  not null,
            hash       bytea   not null check (length(hash) = 32),
            primary key (level, node_index));
        create table if not exists {schema}.ledger_checkpoints (
            tree_size  bigint      primary key,
            root_hash  bytea       not null check (length(root_hash) = 32),
            created_at timestamptz not null,
            key_id     text        not null,
            signature  bytea       not null);

        create or replace function {schema}.claimsledger_append_only() returns trigger language plpgsql as $fn$
        begin
            raise exception 'claimsledger: % on %.% refused: the ledger is append-only', tg_op, tg_table_schema, tg_table_name
                using errcode = '42501';
        end
        $fn$;

        create or replace function {schema}.claimsledger_streams_forward_only() returns trigger language plpgsql as $fn$
        begin
            if tg_op <> 'UPDATE' or new.id <> old.id or new.version < old.version or new.created <> old.created then
                raise exception 'claimsledger: % on %.% refused: streams only ever grow', tg_op, tg_table_schema, tg_table_name
                    using errcode = '42501';
            end if;
            return new;
        end
        $fn$;

        {string.Concat(AppendOnlyTables.Select(table => $"""
            drop trigger if exists claimsledger_append_only on {schema}.{table};
            create trigger claimsledger_append_only before update or delete on {schema}.{table}
                for each row execute function {schema}.claimsledger_append_only();
            drop trigger if exists claimsledger_append_only_truncate on {schema}.{table};
            create trigger claimsledger_append_only_truncate before truncate on {schema}.{table}
                for each statement execute function {schema}.claimsledger_append_only();

            """))}
        drop trigger if exists claimsledger_streams_forward_only on {schema}.mt_streams;
        create trigger claimsledger_streams_forward_only before update or delete on {schema}.mt_streams
            for each row execute function {schema}.claimsledger_streams_forward_only();
        drop trigger if exists claimsledger_append_only_truncate on {schema}.mt_streams;
        create trigger claimsledger_append_only_truncate before truncate on {schema}.mt_streams
            for each statement execute function {schema}.claimsledger_append_only();
        """;

    /// <summary>
    /// What the runtime role may do: read and write the views, progress and messages; only insert into
    /// and read the event log and the ledger; move a stream's version forward; never delete a stream.
    /// </summary>
    public static string Grants(string schema, string messagesSchema, string role) => $"""
        grant usage on schema {schema} to {role};
        grant select, insert, update, delete, truncate on all tables in schema {schema} to {role};
        revoke update, delete, truncate on {string.Join(", ", AppendOnlyTables.Select(table => $"{schema}.{table}"))} from {role};
        revoke delete, truncate on {schema}.mt_streams from {role};
        grant usage, select, update on all sequences in schema {schema} to {role};
        grant execute on all functions in schema {schema} to {role};
        grant usage on schema {messagesSchema} to {role};
        grant select, insert, update, delete, truncate on all tables in schema {messagesSchema} to {role};
        grant usage, select, update on all sequences in schema {messagesSchema} to {role};
        grant execute on all functions in schema {messagesSchema} to {role};
        """;
}
