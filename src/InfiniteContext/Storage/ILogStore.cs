namespace InfiniteContext.Storage;

/// <summary>
/// The source of truth: streams and their immutable entries. Everything else (indexes, vectors, gists)
/// is derived from it and can be rebuilt. Implementations: <see cref="SqliteLogStore"/> (embedded);
/// a PostgreSQL one follows the same contract, so retrieval never depends on the backend.
/// </summary>
public interface ILogStore : IAsyncDisposable
{
    /// <summary>
    /// Appends a batch atomically and durably: when the task completes every entry is on stable storage.
    /// Entries whose (stream, external id) already exist are skipped, not duplicated.
    /// </summary>
    Task<AppendResult> AppendAsync(IReadOnlyList<PreparedEntry> batch, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<Entry>> GetAsync(IReadOnlyList<long> seqs, CancellationToken cancellationToken = default);

    /// <summary>Entries with seq greater than <paramref name="afterSeq"/>, in seq order: how derived indexes catch up.</summary>
    IAsyncEnumerable<Entry> ReadAfterAsync(long afterSeq, CancellationToken cancellationToken = default);

    /// <summary>Seqs of the entries in the given streams (null: all) that pass the filter's time, role, speaker and session.</summary>
    Task<IReadOnlySet<long>> GetMatchingSeqsAsync(IReadOnlySet<int>? streamIds, SearchFilter filter, CancellationToken cancellationToken = default);

    /// <summary>
    /// For each of <paramref name="seqs"/>: up to <paramref name="before"/> entries before it and <paramref name="after"/>
    /// after it in the same stream, in seq order, excluding it; all in one read (retrieval expands ten seeds per query).
    /// Every seq given is a key of the result; a seq that is not in the log maps to no neighbours.
    /// </summary>
    Task<IReadOnlyDictionary<long, IReadOnlyList<Entry>>> GetNeighboursAsync(IReadOnlyList<long> seqs, int before, int after, CancellationToken cancellationToken = default);

    /// <summary>The newest entries of a stream (newest first), optionally only those with seq below <paramref name="beforeSeq"/>.</summary>
    Task<IReadOnlyList<Entry>> GetRecentAsync(string stream, int limit, long? beforeSeq = null, CancellationToken cancellationToken = default);

    /// <summary>Entries of a stream with the given role, oldest first (system instructions are pinned this way).</summary>
    Task<IReadOnlyList<Entry>> GetByRoleAsync(string stream, EntryRole role, int limit, CancellationToken cancellationToken = default);

    /// <summary>Deletes a whole stream, or one entry of it; returns the seqs removed. The deletion itself is durable on return.</summary>
    Task<IReadOnlyList<long>> ForgetAsync(string stream, string? externalId, CancellationToken cancellationToken = default);

    /// <summary>Every seq ever forgotten, so derived indexes loaded from older snapshots can drop them.</summary>
    Task<IReadOnlyList<long>> GetForgottenAsync(long afterSeq, CancellationToken cancellationToken = default);

    /// <summary>Stream name to stream id (ids are dense, stable, never reused); null if the stream does not exist.</summary>
    Task<int?> GetStreamIdAsync(string stream, CancellationToken cancellationToken = default);

    Task<IReadOnlyDictionary<int, string>> GetStreamsAsync(CancellationToken cancellationToken = default);

    Task<LogStats> GetStatsAsync(CancellationToken cancellationToken = default);

    /// <summary>How many entries have a seq above <paramref name="afterSeq"/> (how far a derived index lags).</summary>
    Task<long> CountAfterAsync(long afterSeq, CancellationToken cancellationToken = default);

    /// <summary>Highest seq ever assigned (0 for an empty store).</summary>
    Task<long> GetLastSeqAsync(CancellationToken cancellationToken = default);
}

/// <summary>An entry ready to append: the caller has counted its tokens with the store's tokenizer.</summary>
public sealed record PreparedEntry(NewEntry Entry, int Tokens);

/// <summary>What an append did, entry by entry: the seq assigned, or null for a duplicate that was skipped.</summary>
public sealed record AppendResult(IReadOnlyList<Entry?> Appended)
{
    public int AddedCount => Appended.Count(e => e is not null);
    public int SkippedCount => Appended.Count(e => e is null);
}

public sealed record LogStats(long Entries, long Streams, long Tokens, long LastSeq, long BytesOnDisk);
