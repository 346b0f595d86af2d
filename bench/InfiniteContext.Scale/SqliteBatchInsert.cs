using Microsoft.Data.Sqlite;

namespace InfiniteContext.Scale;

/// <summary>The references' write path: one prepared INSERT of (text, stream, ext_id) per entry, one transaction per batch.</summary>
internal static class SqliteBatchInsert
{
    /// <param name="sql">An INSERT binding <c>$t</c> (text), <c>$s</c> (stream) and <c>$i</c> (external id, or NULL).</param>
    public static void Run(SqliteConnection db, string sql, IReadOnlyList<NewEntry> batch)
    {
        using var tx = db.BeginTransaction();
        using var cmd = db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        var t = cmd.Parameters.Add("$t", SqliteType.Text);
        var s = cmd.Parameters.Add("$s", SqliteType.Text);
        var i = cmd.Parameters.Add("$i", SqliteType.Text);
        cmd.Prepare();
        foreach (var e in batch)
        {
            t.Value = e.Text;
            s.Value = e.Stream;
            i.Value = (object?)e.ExternalId ?? DBNull.Value;
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
    }
}
