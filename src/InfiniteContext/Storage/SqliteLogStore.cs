using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Data.Sqlite;

namespace InfiniteContext.Storage;

/// <summary>
/// The embedded log: one SQLite file in WAL mode with synchronous=FULL, so a committed append survives
/// a process crash and a power cut. Writes go through one connection under a lock; reads use pooled
/// connections and see consistent WAL snapshots while a write is in progress.
/// </summary>
public sealed class SqliteLogStore : ILogStore
{
    public const string FileName = "log.db";
    private const int SchemaVersion = 1;

    private readonly string _connectionString;
    private readonly SqliteConnection? _writer;
    private EntryInsertStatement? _insert; // prepared on first append, on the writer connection
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly Dictionary<string, int> _streamIds = new(StringComparer.Ordinal);
    private readonly Dictionary<int, string> _streamNames = [];
    private readonly Lock _streamCacheLock = new();
    private readonly SqliteReaderPool _readers;

    private SqliteLogStore(string path, bool readOnly, SqliteConnection? writer)
    {
        Path = path;
        IsReadOnly = readOnly;
        _writer = writer;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        _readers = new SqliteReaderPool(_connectionString, maxIdle: Math.Max(4, Environment.ProcessorCount * 2));
    }

    public string Path { get; }
    public bool IsReadOnly { get; }

    /// <summary>Opens (and with <paramref name="readOnly"/> false, creates) the log at <paramref name="path"/>.</summary>
    public static async Task<SqliteLogStore> OpenAsync(string path, bool readOnly, CancellationToken cancellationToken = default)
    {
        if (readOnly && !File.Exists(path))
            throw new StoreNotFoundException($"No store log at '{path}'.");
        SqliteConnection? writer = null;
        if (!readOnly)
        {
            writer = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = path,
                Mode = SqliteOpenMode.ReadWriteCreate,
                Pooling = false,
                DefaultTimeout = 30,
            }.ToString());
            await writer.OpenAsync(cancellationToken);
            await ExecAsync(writer, """
                PRAGMA journal_mode=WAL;
                PRAGMA synchronous=FULL;
                PRAGMA secure_delete=ON;
                PRAGMA busy_timeout=30000;
                PRAGMA cache_size=-65536;
                CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS streams(
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL UNIQUE,
                    created_ms INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS entries(
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    stream_id INTEGER NOT NULL,
                    ext_id TEXT,
                    session TEXT,
                    time_ms INTEGER,
                    time_offset_min INTEGER,
                    ingest_ms INTEGER NOT NULL,
                    role INTEGER NOT NULL,
                    speaker TEXT,
                    text TEXT NOT NULL,
                    meta TEXT,
                    tokens INTEGER NOT NULL);
                CREATE UNIQUE INDEX IF NOT EXISTS entries_by_ext ON entries(stream_id, ext_id) WHERE ext_id IS NOT NULL;
                CREATE INDEX IF NOT EXISTS entries_by_stream ON entries(stream_id, seq);
                CREATE INDEX IF NOT EXISTS entries_pinned ON entries(stream_id, seq) WHERE role = 2;
                CREATE TABLE IF NOT EXISTS forgotten(seq INTEGER PRIMARY KEY);
                """, cancellationToken);
            await using (var cmd = writer.CreateCommand())
            {
                cmd.CommandText = "INSERT OR IGNORE INTO meta(key, value) VALUES('schema', $v)";
                cmd.Parameters.AddWithValue("$v", SchemaVersion.ToString(CultureInfo.InvariantCulture));
                await cmd.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        var store = new SqliteLogStore(path, readOnly, writer);
        await store.CheckSchemaAsync(cancellationToken);
        await store.LoadStreamsAsync(cancellationToken);
        return store;
    }

    private async Task CheckSchemaAsync(CancellationToken ct)
    {
        await using var c = await OpenReaderAsync(ct);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT value FROM meta WHERE key='schema'";
        object? v;
        try { v = await cmd.ExecuteScalarAsync(ct); }
        catch (SqliteException ex) { throw new InvalidDataException($"'{Path}' is not an InfiniteContext store log: {ex.Message}", ex); }
        if (v is not string s || s != SchemaVersion.ToString(CultureInfo.InvariantCulture))
            throw new InvalidDataException($"'{Path}' has store schema '{v}', this build reads schema {SchemaVersion}.");
    }

    private async Task LoadStreamsAsync(CancellationToken ct)
    {
        await using var c = await OpenReaderAsync(ct);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT id, name FROM streams";
        await using var r = await cmd.ExecuteReaderAsync(ct);
        lock (_streamCacheLock)
        {
            while (r.Read())
            {
                int id = r.GetInt32(0);
                string name = r.GetString(1);
                _streamIds[name] = id;
                _streamNames[id] = name;
            }
        }
    }

    /// <summary>Case-insensitive over all of Unicode, as <see cref="SearchFilter.Matches"/> compares.</summary>
    private const string FilterCollation = "FILTER_NOCASE";

    private async Task<SqliteConnection> OpenReaderAsync(CancellationToken ct)
    {
        var c = new SqliteConnection(_connectionString);
        await c.OpenAsync(ct);
        return c;
    }

    private static async Task ExecAsync(SqliteConnection c, string sql, CancellationToken ct, SqliteTransaction? tx = null)
    {
        await using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private SqliteConnection Writer => _writer ?? throw new InvalidOperationException($"The store log '{Path}' is open read-only.");

    public async Task<AppendResult> AppendAsync(IReadOnlyList<PreparedEntry> batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var writer = Writer;
        if (batch.Count == 0) return new AppendResult([]);
        await _writeGate.WaitAsync(cancellationToken);
        var newStreams = new List<(string Name, int Id)>();
        try
        {
            await using var tx = (SqliteTransaction)await writer.BeginTransactionAsync(cancellationToken);
            await using var streamCmd = writer.CreateCommand();
            streamCmd.Transaction = tx;
            streamCmd.CommandText = "INSERT INTO streams(name, created_ms) VALUES($name, $now) RETURNING id";
            var pName = streamCmd.Parameters.Add("$name", SqliteType.Text);
            var pNow = streamCmd.Parameters.Add("$now", SqliteType.Integer);

            var insert = _insert ??= new EntryInsertStatement(writer);

            var now = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            var appended = new Entry?[batch.Count];
            var localStreams = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int i = 0; i < batch.Count; i++)
            {
                var (e, tokens) = batch[i];
                if (!TryGetStreamId(e.Stream, out int streamId) && !localStreams.TryGetValue(e.Stream, out streamId))
                {
                    pName.Value = e.Stream;
                    pNow.Value = now.ToUnixTimeMilliseconds();
                    streamId = Convert.ToInt32(await streamCmd.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
                    localStreams[e.Stream] = streamId;
                    newStreams.Add((e.Stream, streamId));
                }
                cancellationToken.ThrowIfCancellationRequested();
                long? seq = insert.Insert(streamId, e, now.ToUnixTimeMilliseconds(), tokens);
                if (seq is long s)
                {
                    appended[i] = new Entry
                    {
                        Seq = s, Stream = e.Stream, ExternalId = e.ExternalId, Session = e.Session,
                        Time = e.Time is { } tt ? DateTimeOffset.FromUnixTimeMilliseconds(tt.ToUnixTimeMilliseconds()).ToOffset(tt.Offset) : null,
                        IngestedAt = now, Role = e.Role, Speaker = e.Speaker, Text = e.Text, Meta = e.Meta, Tokens = tokens,
                    };
                }
            }
            await tx.CommitAsync(cancellationToken);
            lock (_streamCacheLock)
            {
                foreach (var (name, id) in newStreams)
                {
                    _streamIds[name] = id;
                    _streamNames[id] = name;
                }
            }
            return new AppendResult(appended);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private bool TryGetStreamId(string name, out int id)
    {
        lock (_streamCacheLock) return _streamIds.TryGetValue(name, out id);
    }

    private string StreamName(int id)
    {
        lock (_streamCacheLock)
        {
            if (_streamNames.TryGetValue(id, out var name)) return name;
        }
        // Another process created the stream after we loaded the cache (a reader beside a live writer).
        using var c = new SqliteConnection(_connectionString);
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT name FROM streams WHERE id=$id";
        cmd.Parameters.AddWithValue("$id", id);
        string n = (string?)cmd.ExecuteScalar() ?? throw new InvalidDataException($"Entry refers to unknown stream id {id}.");
        lock (_streamCacheLock)
        {
            _streamNames[id] = n;
            _streamIds[n] = id;
        }
        return n;
    }

    private const string EntryColumns = "seq, stream_id, ext_id, session, time_ms, time_offset_min, ingest_ms, role, speaker, text, meta, tokens";

    private Entry ReadEntry(SqliteDataReader r)
    {
        DateTimeOffset? time = null;
        if (!r.IsDBNull(4))
        {
            var utc = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4));
            time = r.IsDBNull(5) ? utc : utc.ToOffset(TimeSpan.FromMinutes(r.GetInt32(5)));
        }
        return new Entry
        {
            Seq = r.GetInt64(0),
            Stream = StreamName(r.GetInt32(1)),
            ExternalId = r.IsDBNull(2) ? null : r.GetString(2),
            Session = r.IsDBNull(3) ? null : r.GetString(3),
            Time = time,
            IngestedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(6)),
            Role = (EntryRole)r.GetInt32(7),
            Speaker = r.IsDBNull(8) ? null : r.GetString(8),
            Text = r.GetString(9),
            Meta = r.IsDBNull(10) ? null : r.GetString(10),
            Tokens = r.GetInt32(11),
        };
    }

    /// <summary>Runs a query of whole entries on a pooled reader; <paramref name="sql"/> is compiled once per connection, so keep it constant.</summary>
    private async Task<List<Entry>> QueryEntriesAsync(string sql, Action<SqliteCommand> bind, CancellationToken ct)
    {
        await using var lease = await _readers.RentAsync(ct);
        var cmd = lease.Command(sql);
        bind(cmd);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<Entry>();
        while (await r.ReadAsync(ct)) list.Add(ReadEntry(r));
        return list;
    }

    public async Task<IReadOnlyList<Entry>> GetAsync(IReadOnlyList<long> seqs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(seqs);
        if (seqs.Count == 0) return [];
        var found = new Dictionary<long, Entry>(seqs.Count);
        var rows = await QueryEntriesAsync(EntriesInSql, cmd => cmd.Parameters.AddWithValue("$ids", SeqList(seqs)), cancellationToken);
        foreach (var e in rows) found[e.Seq] = e;
        var result = new List<Entry>(found.Count);
        foreach (long s in seqs)
            if (found.TryGetValue(s, out var e)) result.Add(e);
        return result;
    }

    // The seqs travel as one JSON array parameter: one statement text whatever the count (compiled once per reader), and
    // one bind instead of one per seq (SQLite resolves each named parameter by a linear search of the statement's names,
    // which made a 200-seq IN list cost more to bind than to run).
    private const string EntriesInSql = $"SELECT {EntryColumns} FROM entries WHERE seq IN (SELECT value FROM json_each($ids))";
    private const string StreamsOfSql = "SELECT seq, stream_id FROM entries WHERE seq IN (SELECT value FROM json_each($ids))";

    private static string SeqList(IEnumerable<long> seqs)
    {
        var sb = new StringBuilder("[");
        foreach (long s in seqs)
        {
            if (sb.Length > 1) sb.Append(',');
            sb.Append(s.ToString(CultureInfo.InvariantCulture));
        }
        return sb.Append(']').ToString();
    }

    public async IAsyncEnumerable<Entry> ReadAfterAsync(long afterSeq, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var c = await OpenReaderAsync(cancellationToken);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT {EntryColumns} FROM entries WHERE seq > $after ORDER BY seq";
        cmd.Parameters.AddWithValue("$after", afterSeq);
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken)) yield return ReadEntry(r);
    }

    public async Task<IReadOnlySet<long>> GetMatchingSeqsAsync(IReadOnlySet<int>? streamIds, SearchFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await using var c = await OpenReaderAsync(cancellationToken);
        // SQLite's NOCASE folds ASCII only; SearchFilter.Matches folds all of Unicode. One rule for both, so the
        // dense channel's candidates are not thinned by a speaker or session written in another case ("ÉMILE").
        c.CreateCollation(FilterCollation, static (a, b) => string.Compare(a, b, StringComparison.OrdinalIgnoreCase));
        await using var cmd = c.CreateCommand();
        var where = new List<string>();
        if (streamIds is not null)
            where.Add($"stream_id IN ({string.Join(',', streamIds.Select(i => i.ToString(CultureInfo.InvariantCulture)))})");
        if (filter.From is { } from) { where.Add("time_ms >= $from"); cmd.Parameters.AddWithValue("$from", from.ToUnixTimeMilliseconds()); }
        if (filter.To is { } to) { where.Add("time_ms < $to"); cmd.Parameters.AddWithValue("$to", to.ToUnixTimeMilliseconds()); }
        if (filter.Role is { } role) { where.Add("role = $role"); cmd.Parameters.AddWithValue("$role", (int)role); }
        if (filter.Speaker is { } speaker) { where.Add($"speaker = $speaker COLLATE {FilterCollation}"); cmd.Parameters.AddWithValue("$speaker", speaker); }
        if (filter.Session is { } session) { where.Add($"session = $session COLLATE {FilterCollation}"); cmd.Parameters.AddWithValue("$session", session); }
        cmd.CommandText = "SELECT seq FROM entries" + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "");
        var result = new HashSet<long>();
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken)) result.Add(r.GetInt64(0));
        return result;
    }

    public async Task<IReadOnlyDictionary<long, IReadOnlyList<Entry>>> GetNeighboursAsync(IReadOnlyList<long> seqs, int before, int after, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(seqs);
        var result = new Dictionary<long, IReadOnlyList<Entry>>(seqs.Count);
        foreach (long s in seqs) result.TryAdd(s, []);
        if (result.Count == 0 || (before <= 0 && after <= 0)) return result;
        // The seeds' streams first (one read), then one index range read per seed, all on one connection with compiled
        // statements. (One statement per seed that also looked the stream up, as a UNION of two sub-selects, ran four
        // times slower in SQLite.)
        var streams = new Dictionary<long, int>(result.Count);
        var seeds = result.Keys.ToList();
        await using var lease = await _readers.RentAsync(cancellationToken);
        var streamsCmd = lease.Command(StreamsOfSql);
        streamsCmd.Parameters.AddWithValue("$ids", SeqList(seeds));
        await using (var r = await streamsCmd.ExecuteReaderAsync(cancellationToken))
        {
            while (await r.ReadAsync(cancellationToken)) streams[r.GetInt64(0)] = r.GetInt32(1);
        }
        var windowCmd = lease.Command(WindowSql);
        foreach (long seed in seeds)
        {
            if (!streams.TryGetValue(seed, out int stream)) continue;
            windowCmd.Parameters.Clear();
            windowCmd.Parameters.AddWithValue("$s", stream);
            windowCmd.Parameters.AddWithValue("$seq", seed);
            windowCmd.Parameters.AddWithValue("$b", Math.Max(0, before));
            windowCmd.Parameters.AddWithValue("$a", Math.Max(0, after));
            var window = new List<Entry>(Math.Max(0, before) + Math.Max(0, after));
            await using (var r = await windowCmd.ExecuteReaderAsync(cancellationToken))
            {
                while (await r.ReadAsync(cancellationToken))
                    if (r.GetInt64(0) != seed) window.Add(ReadEntry(r));
            }
            result[seed] = window;
        }
        return result;
    }

    // A seed's window as one range of its stream: from the before-th entry before it to the after-th after it (or the
    // stream's ends), both bounds found on the (stream_id, seq) index. One statement per seed, not one per side.
    private const string WindowSql = $"""
        SELECT {EntryColumns} FROM entries WHERE stream_id=$s AND seq BETWEEN
            CASE WHEN $b > 0 THEN COALESCE((SELECT seq FROM entries WHERE stream_id=$s AND seq < $seq ORDER BY seq DESC LIMIT 1 OFFSET $b - 1), 0) ELSE $seq END
            AND CASE WHEN $a > 0 THEN COALESCE((SELECT seq FROM entries WHERE stream_id=$s AND seq > $seq ORDER BY seq LIMIT 1 OFFSET $a - 1), 9223372036854775807) ELSE $seq END
        ORDER BY seq
        """;

    public async Task<IReadOnlyList<Entry>> GetRecentAsync(string stream, int limit, long? beforeSeq = null, CancellationToken cancellationToken = default)
    {
        int? id = await GetStreamIdAsync(stream, cancellationToken);
        if (id is null || limit <= 0) return [];
        return await QueryEntriesAsync($"""
            SELECT {EntryColumns} FROM entries WHERE stream_id=$s AND seq < $before ORDER BY seq DESC LIMIT $n
            """, cmd =>
        {
            cmd.Parameters.AddWithValue("$s", id.Value);
            cmd.Parameters.AddWithValue("$before", beforeSeq ?? long.MaxValue);
            cmd.Parameters.AddWithValue("$n", limit);
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<Entry>> GetByRoleAsync(string stream, EntryRole role, int limit, CancellationToken cancellationToken = default)
    {
        int? id = await GetStreamIdAsync(stream, cancellationToken);
        if (id is null || limit <= 0) return [];
        return await QueryEntriesAsync($"""
            SELECT {EntryColumns} FROM entries WHERE stream_id=$s AND role=$r ORDER BY seq LIMIT $n
            """, cmd =>
        {
            cmd.Parameters.AddWithValue("$s", id.Value);
            cmd.Parameters.AddWithValue("$r", (int)role);
            cmd.Parameters.AddWithValue("$n", limit);
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<long>> ForgetAsync(string stream, string? externalId, CancellationToken cancellationToken = default)
    {
        var writer = Writer;
        int? id = await GetStreamIdAsync(stream, cancellationToken);
        if (id is null) return [];
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            await using var tx = (SqliteTransaction)await writer.BeginTransactionAsync(cancellationToken);
            // One selection of the doomed rows, used by all three statements.
            string where = externalId is null ? "stream_id=$s" : "stream_id=$s AND ext_id=$x";
            SqliteCommand Command(string sql)
            {
                var cmd = writer.CreateCommand();
                cmd.Transaction = tx;
                cmd.CommandText = sql;
                cmd.Parameters.AddWithValue("$s", id.Value);
                if (externalId is not null) cmd.Parameters.AddWithValue("$x", externalId);
                return cmd;
            }
            var seqs = new List<long>();
            await using (var sel = Command($"SELECT seq FROM entries WHERE {where} ORDER BY seq"))
            {
                await using var r = await sel.ExecuteReaderAsync(cancellationToken);
                while (await r.ReadAsync(cancellationToken)) seqs.Add(r.GetInt64(0));
            }
            await using (var ins = Command($"INSERT OR IGNORE INTO forgotten(seq) SELECT seq FROM entries WHERE {where}"))
                await ins.ExecuteNonQueryAsync(cancellationToken);
            await using (var del = Command($"DELETE FROM entries WHERE {where}"))
                await del.ExecuteNonQueryAsync(cancellationToken);
            await tx.CommitAsync(cancellationToken);
            // secure_delete zeroes freed pages; a checkpoint moves them out of the WAL too, so forgotten text leaves the disk.
            await ExecAsync(writer, "PRAGMA wal_checkpoint(TRUNCATE);", cancellationToken);
            return seqs;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public async Task<IReadOnlyList<long>> GetForgottenAsync(long afterSeq, CancellationToken cancellationToken = default)
    {
        await using var c = await OpenReaderAsync(cancellationToken);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT seq FROM forgotten WHERE seq > $a ORDER BY seq";
        cmd.Parameters.AddWithValue("$a", afterSeq);
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<long>();
        while (await r.ReadAsync(cancellationToken)) list.Add(r.GetInt64(0));
        return list;
    }

    public async Task<int?> GetStreamIdAsync(string stream, CancellationToken cancellationToken = default)
    {
        if (TryGetStreamId(stream, out int id)) return id;
        await using var c = await OpenReaderAsync(cancellationToken);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT id FROM streams WHERE name=$n";
        cmd.Parameters.AddWithValue("$n", stream);
        object? v = await cmd.ExecuteScalarAsync(cancellationToken);
        if (v is not long l) return null;
        lock (_streamCacheLock)
        {
            _streamIds[stream] = (int)l;
            _streamNames[(int)l] = stream;
        }
        return (int)l;
    }

    public async Task<IReadOnlyDictionary<int, string>> GetStreamsAsync(CancellationToken cancellationToken = default)
    {
        await LoadStreamsAsync(cancellationToken);
        lock (_streamCacheLock) return new Dictionary<int, string>(_streamNames);
    }

    public async Task<LogStats> GetStatsAsync(CancellationToken cancellationToken = default)
    {
        await using var c = await OpenReaderAsync(cancellationToken);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = """
            SELECT (SELECT COUNT(*) FROM entries),
                   (SELECT COUNT(*) FROM streams s WHERE EXISTS (SELECT 1 FROM entries e WHERE e.stream_id = s.id)),
                   (SELECT COALESCE(SUM(tokens), 0) FROM entries),
                   MAX(COALESCE((SELECT MAX(seq) FROM entries), 0), COALESCE((SELECT MAX(seq) FROM forgotten), 0))
            """;
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        await r.ReadAsync(cancellationToken);
        long bytes = 0;
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            var f = new FileInfo(Path + suffix);
            if (f.Exists) bytes += f.Length;
        }
        return new LogStats(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), bytes);
    }

    public async Task<long> CountAfterAsync(long afterSeq, CancellationToken cancellationToken = default)
    {
        await using var c = await OpenReaderAsync(cancellationToken);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM entries WHERE seq > $a";
        cmd.Parameters.AddWithValue("$a", afterSeq);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    public async Task<long> GetLastSeqAsync(CancellationToken cancellationToken = default)
    {
        await using var lease = await _readers.RentAsync(cancellationToken);
        // Not sqlite_sequence: INSERT OR IGNORE burns an AUTOINCREMENT value for every ignored duplicate, and
        // a re-ingest of known entries must not make the indexes look behind. Forgotten seqs still count.
        var cmd = lease.Command("SELECT MAX(COALESCE((SELECT MAX(seq) FROM entries), 0), COALESCE((SELECT MAX(seq) FROM forgotten), 0))");
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        if (_writer is not null)
        {
            await _writeGate.WaitAsync();
            try
            {
                _insert?.Dispose();
                await ExecAsync(_writer, "PRAGMA wal_checkpoint(PASSIVE);", CancellationToken.None);
                await _writer.DisposeAsync();
            }
            finally
            {
                _writeGate.Release();
            }
        }
        _writeGate.Dispose();
        await _readers.DisposeAsync();
        SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
    }
}
