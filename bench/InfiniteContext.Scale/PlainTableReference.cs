using Microsoft.Data.Sqlite;

namespace InfiniteContext.Scale;

/// <summary>
/// The floor under any store whose log is SQLite: the same rows, durability and commit size, into a plain
/// table with the (stream, id) unique index idempotent ingest needs, and no text index at all. No SQLite-logged
/// engine ingests faster than this; it tells how much of FTS5's time is the table write itself.
/// </summary>
internal sealed class PlainTableReference : IDisposable
{
    private readonly SqliteConnection _db;

    public PlainTableReference(string path)
    {
        _db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _db.Open();
        using var cmd = _db.CreateCommand();
        cmd.CommandText = """
            PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-65536;
            CREATE TABLE IF NOT EXISTS entries(seq INTEGER PRIMARY KEY AUTOINCREMENT, stream TEXT NOT NULL, ext_id TEXT, text TEXT NOT NULL);
            CREATE UNIQUE INDEX IF NOT EXISTS entries_ext ON entries(stream, ext_id) WHERE ext_id IS NOT NULL;
            """;
        cmd.ExecuteNonQuery();
    }

    public void Append(IReadOnlyList<NewEntry> batch) => SqliteBatchInsert.Run(_db, "INSERT OR IGNORE INTO entries(stream, ext_id, text) VALUES($s, $i, $t)", batch);

    public void Dispose()
    {
        _db.Dispose();
        SqliteConnection.ClearAllPools();
    }
}
