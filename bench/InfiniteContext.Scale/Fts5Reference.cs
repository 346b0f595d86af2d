using System.Globalization;
using Microsoft.Data.Sqlite;

namespace InfiniteContext.Scale;

/// <summary>
/// The reference: the same entries in SQLite FTS5 (porter + unicode61 tokenizer, its own bm25 ranking),
/// with the same durability (WAL, synchronous=FULL) and the same commit size as ours. The stream is an
/// UNINDEXED column filtered in the query, which is how FTS5 scopes a search without one table per tenant.
/// Queries OR their words, as BM25 over a bag of words does, and fetch the text like ours do.
/// </summary>
internal sealed class Fts5Reference : IDisposable
{
    private readonly SqliteConnection _db;

    public Fts5Reference(string path)
    {
        _db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _db.Open();
        Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-65536;");
        Exec("CREATE VIRTUAL TABLE IF NOT EXISTS docs USING fts5(text, stream UNINDEXED, ext_id UNINDEXED, tokenize='porter unicode61')");
    }

    private void Exec(string sql)
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    public void Append(IReadOnlyList<NewEntry> batch) => SqliteBatchInsert.Run(_db, "INSERT INTO docs(text, stream, ext_id) VALUES($t, $s, $i)", batch);

    public int Search(string query, string? stream, int top)
    {
        var terms = query.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => "\"" + w.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"");
        using var cmd = _db.CreateCommand();
        cmd.CommandText = stream is null
            ? "SELECT rowid, text, bm25(docs) FROM docs WHERE docs MATCH $q ORDER BY rank LIMIT $k"
            : "SELECT rowid, text, bm25(docs) FROM docs WHERE docs MATCH $q AND stream = $s ORDER BY rank LIMIT $k";
        cmd.Parameters.AddWithValue("$q", string.Join(" OR ", terms));
        cmd.Parameters.AddWithValue("$k", top);
        if (stream is not null) cmd.Parameters.AddWithValue("$s", stream);
        using var r = cmd.ExecuteReader();
        int n = 0;
        while (r.Read())
        {
            _ = r.GetString(1);
            n++;
        }
        return n;
    }

    public void Dispose()
    {
        Exec("PRAGMA wal_checkpoint(TRUNCATE);");
        _db.Dispose();
        SqliteConnection.ClearAllPools();
    }

    public static string Describe(long tokens) => tokens.ToString("N0", CultureInfo.InvariantCulture);
}
