using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace InfiniteContext.Storage;

/// <summary>
/// Read-only connections that stay open, each keeping the statements it has compiled. A query's reads of the log
/// (its candidates, the neighbours of its seeds) are a few small statements; compiling them anew each time cost more
/// than running them (a CPU profile of LoCoMo questions showed most of the log's time in SQLite's parser and planner).
/// A lease is exclusive, so a statement is never shared between threads; a connection with no statement running holds
/// no read transaction, so it sees every commit and does not hold back checkpoints.
/// </summary>
internal sealed class SqliteReaderPool(string connectionString, int maxIdle) : IAsyncDisposable
{
    private readonly ConcurrentBag<Reader> _idle = [];
    private int _idleCount;
    private volatile bool _disposed;

    public async ValueTask<Lease> RentAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_idle.TryTake(out var reader))
        {
            Interlocked.Decrement(ref _idleCount);
            return new Lease(this, reader);
        }
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        return new Lease(this, new Reader(connection));
    }

    private void Return(Reader reader)
    {
        if (!_disposed && Interlocked.Increment(ref _idleCount) <= maxIdle)
        {
            _idle.Add(reader);
            if (!_disposed) return;
            // Disposed meanwhile: whatever is idle now is closed below, this one included.
            Drain();
            return;
        }
        Interlocked.Decrement(ref _idleCount);
        reader.Dispose();
    }

    private void Drain()
    {
        while (_idle.TryTake(out var r))
        {
            Interlocked.Decrement(ref _idleCount);
            r.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        _disposed = true;
        Drain();
        return ValueTask.CompletedTask;
    }

    internal sealed class Reader(SqliteConnection connection) : IDisposable
    {
        private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

        public SqliteCommand Command(string sql)
        {
            if (!_commands.TryGetValue(sql, out var cmd))
            {
                cmd = connection.CreateCommand();
                cmd.CommandText = sql;
                _commands[sql] = cmd;
            }
            cmd.Parameters.Clear();
            return cmd;
        }

        public void Dispose()
        {
            foreach (var c in _commands.Values) c.Dispose();
            _commands.Clear();
            connection.Dispose();
        }
    }

    /// <summary>One connection, exclusively, until disposed; commands from <see cref="Command"/> are compiled once per connection.</summary>
    public readonly struct Lease : IAsyncDisposable
    {
        private readonly SqliteReaderPool _pool;
        private readonly Reader _reader;

        internal Lease(SqliteReaderPool pool, Reader reader)
        {
            _pool = pool;
            _reader = reader;
        }

        /// <summary>The command for this SQL text on this connection, its parameters cleared. Keep the text constant per shape.</summary>
        public SqliteCommand Command(string sql) => _reader.Command(sql);

        public ValueTask DisposeAsync()
        {
            _pool.Return(_reader);
            return ValueTask.CompletedTask;
        }
    }
}
