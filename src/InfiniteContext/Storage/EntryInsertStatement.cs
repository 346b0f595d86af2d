using Microsoft.Data.Sqlite;
using System.Text;
using SQLitePCL;

namespace InfiniteContext.Storage;

/// <summary>
/// The log's one hot statement, prepared once on the writer connection and driven through SQLite's own API:
/// bound by position, stepped, reset. Microsoft.Data.Sqlite looks every parameter up by name and builds a
/// data reader for each execution, which cost as much CPU as SQLite's own insert work (profiled on the 10M
/// corpus); the statement runs inside the caller's <see cref="SqliteTransaction"/> on the same connection.
/// </summary>
internal sealed class EntryInsertStatement : IDisposable
{
    private const string Sql = """
        INSERT OR IGNORE INTO entries(stream_id, ext_id, session, time_ms, time_offset_min, ingest_ms, role, speaker, text, meta, tokens)
        VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
        RETURNING seq
        """;

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _stmt;

    public EntryInsertStatement(SqliteConnection connection)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        Check(raw.sqlite3_prepare_v2(_db, Sql, out _stmt));
    }

    /// <summary>Inserts one entry; returns its seq, or null when (stream, external id) already exists.</summary>
    public long? Insert(int streamId, NewEntry e, long ingestMs, int tokens)
    {
        try
        {
            raw.sqlite3_bind_int64(_stmt, 1, streamId);
            BindText(2, e.ExternalId);
            BindText(3, e.Session);
            if (e.Time is { } time)
            {
                raw.sqlite3_bind_int64(_stmt, 4, time.ToUnixTimeMilliseconds());
                raw.sqlite3_bind_int64(_stmt, 5, (long)time.Offset.TotalMinutes);
            }
            else
            {
                raw.sqlite3_bind_null(_stmt, 4);
                raw.sqlite3_bind_null(_stmt, 5);
            }
            raw.sqlite3_bind_int64(_stmt, 6, ingestMs);
            raw.sqlite3_bind_int64(_stmt, 7, (int)e.Role);
            BindText(8, e.Speaker);
            BindText(9, e.Text);
            BindText(10, e.Meta);
            raw.sqlite3_bind_int64(_stmt, 11, tokens);

            int rc = raw.sqlite3_step(_stmt);
            if (rc == raw.SQLITE_DONE) return null; // ignored: a duplicate
            if (rc != raw.SQLITE_ROW) Check(rc);
            long seq = raw.sqlite3_column_int64(_stmt, 0);
            rc = raw.sqlite3_step(_stmt); // RETURNING yields one row; the statement finishes on the next step
            if (rc != raw.SQLITE_DONE) Check(rc);
            return seq;
        }
        finally
        {
            raw.sqlite3_reset(_stmt);
            raw.sqlite3_clear_bindings(_stmt);
        }
    }

    /// <summary>
    /// Binds UTF-8 encoded into a reused buffer (SQLite copies it): the string overload allocates a byte array per
    /// value, which for the text column is most of what an append allocates.
    /// </summary>
    private void BindText(int index, string? value)
    {
        if (value is null)
        {
            raw.sqlite3_bind_null(_stmt, index);
            return;
        }
        int max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (_utf8.Length < max) _utf8 = new byte[Math.Max(max, _utf8.Length * 2)];
        int length = Encoding.UTF8.GetBytes(value, _utf8);
        Check(raw.sqlite3_bind_text(_stmt, index, _utf8.AsSpan(0, length)));
        if (_utf8.Length > 1 << 22) _utf8 = new byte[4096]; // do not keep a huge entry's buffer
    }

    private byte[] _utf8 = new byte[4096];

    private void Check(int rc)
    {
        if (rc is raw.SQLITE_OK or raw.SQLITE_ROW or raw.SQLITE_DONE) return;
        throw new SqliteException($"SQLite Error {rc}: '{raw.sqlite3_errmsg(_db).utf8_to_string()}'.", rc, raw.sqlite3_extended_errcode(_db));
    }

    public void Dispose() => _stmt.Dispose();
}
