using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using Marten;
using Npgsql;

namespace ClaimsLedger.Ledger.Verifying;

/// <summary>
/// Every event row from <c>first</c> through <c>through</c>, in sequence order, each with its recomputed leaf hash.
/// The sequence is cut into blocks of <see cref="DefaultBlockSize"/> numbers dealt round-robin to <c>readers</c>
/// connections; each reader runs one binary COPY per block and hashes its rows on its own thread, a few blocks
/// ahead of the walk at most, so memory stays bounded whatever the log's size. A row that cannot be hashed
/// surfaces, as its exception, when the walk reaches it, as if it had been read in line.
/// </summary>
internal sealed class EventRows : IAsyncDisposable
{
    /// <summary>Sequence numbers per block: one COPY each, large enough that its round trip does not count.</summary>
    public const int DefaultBlockSize = 4096;

    /// <summary>Blocks each reader may have read and hashed ahead of the walk.</summary>
    private const int Ahead = 2;

    private const string Columns =
        "seq_id, id, stream_id, version, type, timestamp, tenant_id, data, user_name, correlation_id, causation_id, headers";

    private readonly long _first;
    private readonly int _blockSize;
    private readonly long _blocks;
    private readonly BlockingCollection<Block>[] _filled;
    private readonly BlockingCollection<Block>[] _free;
    private readonly Task[] _readers;
    private readonly CancellationTokenSource _stop;
    private Block? _current;
    private long _currentBlock = -1;
    private int _index;

    public EventRows(IDocumentStore store, string schema, long first, long through, int readers, int blockSize, CancellationToken cancellation)
    {
        _first = first;
        _blockSize = blockSize;
        Through = through;
        _blocks = through < first ? 0 : ((through - first) / blockSize) + 1;
        readers = (int)Math.Clamp(_blocks, 1, Math.Max(readers, 1));
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        _filled = [.. Enumerable.Range(0, readers).Select(_ => new BlockingCollection<Block>())];
        _free = [.. Enumerable.Range(0, readers).Select(_ => new BlockingCollection<Block>())];
        foreach (var free in _free)
        {
            for (var i = 0; i < Ahead; i++)
            {
                free.Add(new Block(blockSize), CancellationToken.None);
            }
        }

        // Threads of their own: a reader blocks on its socket and on the walk, which would starve the thread pool
        // into adding threads that spin while idle, on the cores PostgreSQL needs.
        _readers = [.. Enumerable.Range(0, readers).Select(reader => Task.Factory.StartNew(
            () => Read(store, schema, reader), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))];
    }

    /// <summary>The last sequence read.</summary>
    public long Through { get; }

    public long Sequence => _current!.Sequences[_index];

    public Guid Id => _current!.Ids[_index];

    public ReadOnlySpan<byte> Hash => _current!.Hashes.AsSpan(_index * Merkle.HashSize, Merkle.HashSize);

    /// <summary>Moves to the next row; false after the last. Blocks until its reader has hashed it.</summary>
    public bool MoveNext()
    {
        while (true)
        {
            if (_current is not null)
            {
                if (++_index < _current.Count)
                {
                    return true;
                }

                if (_current.Failure is not null)
                {
                    ExceptionDispatchInfo.Throw(_current.Failure);
                }

                _free[_currentBlock % _free.Length].Add(_current, CancellationToken.None);
                _current = null;
            }

            if (_currentBlock + 1 >= _blocks)
            {
                return false;
            }

            _currentBlock++;
            _current = _filled[_currentBlock % _filled.Length].Take(_stop.Token);
            _index = -1;
        }
    }

    /// <summary>One reader: blocks reader, reader + readers, … in order, each into a free block buffer.</summary>
    private void Read(IDocumentStore store, string schema, int reader)
    {
        var preimage = new LeafPreimage();
        var free = _free[reader];
        var filled = _filled[reader];
        try
        {
            using var connection = store.Storage.Database.CreateConnection();
            for (var number = (long)reader; number < _blocks; number += _filled.Length)
            {
                var block = free.Take(_stop.Token);
                block.Count = 0;
                block.Failure = null;
                try
                {
                    if (connection.State != System.Data.ConnectionState.Open)
                    {
                        connection.Open();
                    }

                    var after = _first - 1 + (number * _blockSize);
                    var through = Math.Min(after + _blockSize, Through);
                    using var copy = new BinaryCopyReader(connection,
                        $"copy (select {Columns} from {schema}.mt_events where seq_id > {after} and seq_id <= {through} order by seq_id) to stdout (format binary)",
                        12);
                    while (copy.Read())
                    {
                        _stop.Token.ThrowIfCancellationRequested();
                        HashRow(copy, preimage, block);
                    }
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    block.Failure = error;
                }

                filled.Add(block, _stop.Token);
                if (block.Failure is not null)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The walk is over (or was cancelled): nothing waits for more rows.
        }
    }

    private static void HashRow(BinaryCopyReader copy, LeafPreimage preimage, Block block)
    {
        var index = block.Count;
        var fields = new EventFields
        {
            Sequence = copy.Int64(0),
            Id = copy.Uuid(1),
            StreamId = copy.Uuid(2),
            Version = copy.Int64(3),
            Type = copy.Bytes(4),
            RecordedAtMicroseconds = copy.TimestampMicroseconds(5),
            TenantId = copy.IsNull(6) ? "*DEFAULT*"u8 : copy.Bytes(6),
            Data = copy.Jsonb(7),
            HasUser = !copy.IsNull(8),
            User = copy.IsNull(8) ? default : copy.Bytes(8),
            HasCorrelationId = !copy.IsNull(9),
            CorrelationId = copy.IsNull(9) ? default : copy.Bytes(9),
            HasCausationId = !copy.IsNull(10),
            CausationId = copy.IsNull(10) ? default : copy.Bytes(10),
            HasHeaders = !copy.IsNull(11),
            Headers = copy.IsNull(11) ? default : copy.Jsonb(11),
        };
        preimage.LeafHash(fields, block.Hashes.AsSpan(index * Merkle.HashSize, Merkle.HashSize));
        block.Sequences[index] = fields.Sequence;
        block.Ids[index] = new Guid(fields.Id, bigEndian: true);
        block.Count = index + 1;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_readers);
        _stop.Dispose();
        foreach (var queue in _filled.Concat(_free))
        {
            queue.Dispose();
        }
    }

    /// <summary>The rows of one block: their sequences, event ids and recomputed leaf hashes.</summary>
    private sealed class Block(int size)
    {
        public long[] Sequences { get; } = new long[size];

        public Guid[] Ids { get; } = new Guid[size];

        public byte[] Hashes { get; } = new byte[size * Merkle.HashSize];

        public int Count { get; set; }

        /// <summary>What stopped the block after <see cref="Count"/> rows, if anything did.</summary>
        public Exception? Failure { get; set; }
    }
}
