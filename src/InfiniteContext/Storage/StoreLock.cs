namespace InfiniteContext.Storage;

/// <summary>
/// One writer per store, across processes: an exclusive lock on <c>&lt;store&gt;/LOCK</c>
/// (.NET maps FileShare.None to an advisory flock on Unix and a share-mode lock on Windows).
/// Readers never take it; they read the log through SQLite's WAL snapshots.
/// </summary>
public sealed class StoreLock : IDisposable
{
    private readonly FileStream _file;

    private StoreLock(FileStream file) => _file = file;

    public static StoreLock Acquire(string directory)
    {
        string path = Path.Combine(directory, "LOCK");
        try
        {
            var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            return new StoreLock(file);
        }
        catch (IOException ex)
        {
            throw new StoreLockedException($"The store '{directory}' is held by another writer (lock file '{path}'). Wait for it to finish, or use a read-only command.", ex);
        }
    }

    public void Dispose() => _file.Dispose();
}

public sealed class StoreLockedException(string message, Exception? inner = null) : IOException(message, inner);

public sealed class StoreNotFoundException(string message) : IOException(message);
