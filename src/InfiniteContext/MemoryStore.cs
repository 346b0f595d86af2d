using InfiniteContext.Context;
using InfiniteContext.Indexing;
using InfiniteContext.Ingest;
using InfiniteContext.Storage;
using InfiniteContext.Retrieval;
using InfiniteContext.Text;
using InfiniteContext.Vectors;
using Microsoft.Extensions.AI;

namespace InfiniteContext;

/// <summary>
/// A store directory opened for use: the log (truth), the derived indexes caught up with it, and the
/// operations every interface (CLI, HTTP, MCP) is built from. A writable store holds the directory's
/// writer lock until disposed; read-only stores can be opened beside it at any time.
/// </summary>
public sealed class MemoryStore : IAsyncDisposable, IEvidenceRetriever
{
    private readonly StoreLock? _lock;
    private readonly SqliteLogStore _log;
    private ILexicalIndex _lexical;
    private readonly ContextAssembler _assembler;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly MemoryStoreOptions _options;
    private VectorStore? _vectors;
    private PartVectors? _parts;
    private VectorIndexer? _indexer;

    private MemoryStore(string directory, StoreLock? storeLock, SqliteLogStore log, ILexicalIndex lexical, ITokenCounter tokenCounter, MemoryStoreOptions options)
    {
        Directory = directory;
        _lock = storeLock;
        _log = log;
        _lexical = lexical;
        TokenCounter = tokenCounter;
        _options = options;
        _assembler = new ContextAssembler(log, this, tokenCounter);
    }

    /// <summary>True when an embedding model is configured: searches can use the dense channel.</summary>
    public bool HasVectors => _vectors is not null;


    public string Directory { get; }
    public bool IsReadOnly => _lock is null;
    public ILogStore Log => _log;
    public ITokenCounter TokenCounter { get; }

    internal static string LexicalDirectory(string store) => Path.Combine(store, "index", "lexical");

    public static async Task<MemoryStore> OpenAsync(string directory, MemoryStoreOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        options ??= new MemoryStoreOptions();
        directory = Path.GetFullPath(directory);
        string logPath = Path.Combine(directory, SqliteLogStore.FileName);
        if (!System.IO.Directory.Exists(directory) || (options.ReadOnly && !File.Exists(logPath)))
        {
            if (options.ReadOnly || !options.CreateIfMissing)
                throw new StoreNotFoundException($"No store at '{directory}'. Create one with 'infctx ingest <file> --store {directory}'.");
        }

        StoreLock? storeLock = null;
        SqliteLogStore? log = null;
        ILexicalIndex? lexical = null;
        try
        {
            if (!options.ReadOnly)
            {
                System.IO.Directory.CreateDirectory(directory);
                storeLock = StoreLock.Acquire(directory);
            }
            var settings = StoreSettings.TryRead(directory);
            if (settings is null)
            {
                if (options.ReadOnly) throw new StoreNotFoundException($"'{directory}' is not an InfiniteContext store (no {StoreSettings.FileName}).");
                if (File.Exists(logPath)) throw new InvalidDataException($"'{directory}' has a log but no {StoreSettings.FileName}; it was not created by InfiniteContext.");
                _ = TiktokenCounter.Get(options.Tokenizer); // validate before anything is written
                settings = new StoreSettings(StoreSettings.CurrentFormat, options.Tokenizer);
                settings.Write(directory);
            }
            else if (settings.Format != StoreSettings.CurrentFormat)
            {
                throw new InvalidDataException($"'{directory}' is store format {settings.Format}; this build reads format {StoreSettings.CurrentFormat}.");
            }
            var tokenCounter = TiktokenCounter.Get(settings.Tokenizer);
            log = await SqliteLogStore.OpenAsync(logPath, options.ReadOnly, cancellationToken);
            lexical = OpenLexical(directory, options.ReadOnly, LexicalOptions(options));
            var store = new MemoryStore(directory, storeLock, log, lexical, tokenCounter, options);
            if (options.Embeddings is { } generator) await store.OpenVectorsAsync(generator, cancellationToken);
            await store.CatchUpAsync(cancellationToken);
            if (store._indexer is not null && options.BackgroundVectorIndexing) store._indexer.StartBackground();
            return store;
        }
        catch
        {
            lexical?.Dispose();
            if (log is not null) await log.DisposeAsync();
            storeLock?.Dispose();
            throw;
        }
    }

    /// <summary>The lexical index's settings: BM25's parameters are retrieval's (<see cref="RetrievalOptions.Bm25K1"/>, <see cref="RetrievalOptions.Bm25B"/>); they apply at query time, so changing them needs no reindex.</summary>
    private static LexicalIndexOptions LexicalOptions(MemoryStoreOptions options) =>
        new() { MaxTailPostings = options.MaxIndexTailPostings, K1 = options.Retrieval.Bm25K1, B = options.Retrieval.Bm25B };

    private static ILexicalIndex OpenLexical(string directory, bool readOnly, LexicalIndexOptions options)
    {
        string dir = LexicalDirectory(directory);
        if (!readOnly) System.IO.Directory.CreateDirectory(dir);
        var analyzer = new EnglishAnalyzer();
        try
        {
            return SegmentedLexicalIndex.Open(dir, analyzer, options with { ReadOnly = readOnly });
        }
        catch (Exception ex) when (ex is InvalidDataException or FileNotFoundException)
        {
            // A damaged index (or one missing a segment file) is derived data: start it empty and let catch-up rebuild it from the log
            // (on disk for a writer, in memory for a reader, which never writes).
            if (readOnly) return SegmentedLexicalIndex.Open(dir, analyzer, options with { ReadOnly = true, IgnoreExisting = true });
            System.IO.Directory.Delete(dir, recursive: true);
            System.IO.Directory.CreateDirectory(dir);
            return SegmentedLexicalIndex.Open(dir, analyzer, options with { ReadOnly = false });
        }
    }

    private async Task OpenVectorsAsync(IEmbeddingGenerator<string, Embedding<float>> generator, CancellationToken cancellationToken)
    {
        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();
        string modelId = metadata?.DefaultModelId ?? "default";
        int dimensions = metadata?.DefaultModelDimensions
            ?? (await generator.GenerateAsync(["dimension probe"], cancellationToken: cancellationToken))[0].Vector.Length;
        string path = Path.Combine(Directory, "index", "vectors", VectorStore.FileStem(modelId) + ".vec");
        try
        {
            _vectors = VectorStore.Open(path, modelId, dimensions, IsReadOnly, _options.VectorIndex);
        }
        catch (InvalidDataException) when (!IsReadOnly)
        {
            File.Delete(path); // damaged, and derived: recomputed from the log
            _vectors = VectorStore.Open(path, modelId, dimensions, readOnly: false, _options.VectorIndex);
        }
        if (_options.Retrieval.SentenceViews)
            _parts = PartVectors.Open(path, modelId, dimensions, IsReadOnly, _options.VectorIndex);
        if (!IsReadOnly) _indexer = new VectorIndexer(_log, _vectors, generator, parts: _parts);
    }

    /// <summary>Computes every missing vector now (what <c>infctx index --wait</c> runs); returns how many were added.</summary>
    public Task<long> IndexVectorsAsync(IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        EnsureWritable();
        return _indexer is null
            ? throw new InvalidOperationException("No embedding model is configured for this store.")
            : _indexer.IndexPendingAsync(progress, cancellationToken);
    }

    /// <summary>Replays the log tail the indexes have not seen and drops what was forgotten since their snapshot.</summary>
    private async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        var forgotten = await _log.GetForgottenAsync(0, cancellationToken);
        if (forgotten.Count > 0)
        {
            _lexical.Delete(forgotten);
            _vectors?.Delete(forgotten);
            _parts?.Delete(forgotten);
        }
        var batch = new List<Entry>(4096);
        bool any = false;
        await foreach (var e in _log.ReadAfterAsync(_lexical.CoveredSeq, cancellationToken))
        {
            batch.Add(e);
            if (batch.Count == batch.Capacity)
            {
                await IndexAsync(batch, cancellationToken);
                batch.Clear();
                any = true;
            }
        }
        if (batch.Count > 0)
        {
            await IndexAsync(batch, cancellationToken);
            any = true;
        }
        if ((any || forgotten.Count > 0) && !IsReadOnly) _lexical.Flush();
    }

    /// <summary>Catch-up and reindex: analyze the batch on all cores, then add it.</summary>
    private Task IndexAsync(IReadOnlyList<Entry> entries, CancellationToken cancellationToken)
    {
        var analyzed = new AnalyzedText?[entries.Count];
        Parallel.For(0, entries.Count, new ParallelOptions { CancellationToken = cancellationToken },
            i => analyzed[i] = Analyze(entries[i].Speaker, entries[i].Text));
        return IndexAsync(entries, analyzed, cancellationToken);
    }

    private async Task IndexAsync(IReadOnlyList<Entry> entries, IReadOnlyList<AnalyzedText?>? analyzed, CancellationToken cancellationToken)
    {
        var streamIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var docs = new IndexedDoc[entries.Count];
        for (int i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            if (!streamIds.TryGetValue(e.Stream, out int sid))
            {
                sid = await _log.GetStreamIdAsync(e.Stream, cancellationToken)
                    ?? throw new InvalidDataException($"Stream '{e.Stream}' of entry {e.Seq} is not in the log.");
                streamIds[e.Stream] = sid;
            }
            docs[i] = analyzed?[i] is { } a ? ToDoc(e, sid, "") with { Analyzed = a } : ToDoc(e, sid, Retrieval.RetrievalText.For(e));
        }
        _lexical.Add(docs);
        // A long ingest or catch-up writes segments as it goes: memory stays bounded, and merges keep the count low.
        if (!IsReadOnly && _lexical.TailIsFull) _lexical.Flush();
    }

    /// <summary>The retrieval view of an entry analyzed for the lexical index, against its ingest term table when it has one.</summary>
    private AnalyzedText Analyze(string? speaker, string text) =>
        AnalyzedText.OfRetrievalText(speaker, text, _lexical.Analyzer, (_lexical as SegmentedLexicalIndex)?.IngestTerms);

    /// <param name="text">The text the index analyzes (empty when the doc carries its analysis).</param>
    private static IndexedDoc ToDoc(Entry e, int streamId, string text) =>
        new(e.Seq, streamId, text, e.Time?.ToUnixTimeMilliseconds() ?? IndexedDoc.NoTime, e.Role, e.Speaker, e.Session);

    private void EnsureWritable()
    {
        if (IsReadOnly) throw new InvalidOperationException($"The store '{Directory}' is open read-only.");
    }

    /// <summary>
    /// Appends entries durably and indexes them. Returns after the last batch is committed and the
    /// lexical index flushed; every batch reported through <see cref="IngestOptions.Progress"/> is already durable.
    /// </summary>
    public async Task<IngestResult> IngestAsync(IAsyncEnumerable<IngestItem> items, IngestOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        EnsureWritable();
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            var pipeline = new IngestPipeline(
                _log, TokenCounter,
                e => Analyze(e.Speaker, e.Text),
                IndexAsync);
            var result = await pipeline.RunAsync(items, options ?? new IngestOptions(), cancellationToken);
            _lexical.Flush();
            _indexer?.Notify();
            return result;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Convenience for library callers: ingest entries already in memory.</summary>
    public Task<IngestResult> IngestAsync(IEnumerable<NewEntry> entries, IngestOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return IngestAsync(ToItems(entries), options, cancellationToken);

        static async IAsyncEnumerable<IngestItem> ToItems(IEnumerable<NewEntry> source)
        {
            foreach (var e in source) yield return IngestItem.Ok(e);
            await Task.CompletedTask;
        }
    }

    /// <summary>
    /// Ranked entries for a query within a filter; hits carry the full entry for citation. With an embedding
    /// model, lexical and dense channels are fused (<see cref="ConsensusRanker"/>); otherwise BM25 alone.
    /// </summary>
    public Task<IReadOnlyList<SearchHit>> SearchAsync(string query, SearchFilter? filter = null, int top = 10, CancellationToken cancellationToken = default) =>
        SearchAsync(query, filter, top, null, cancellationToken);

    /// <summary>As above, with the retrieval mode chosen per call (null: the store's default).</summary>
    public async Task<IReadOnlyList<SearchHit>> SearchAsync(string query, SearchFilter? filter, int top, RetrievalMode? mode, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(top);
        filter ??= SearchFilter.All;
        var scope = await ResolveScopeAsync(filter, cancellationToken);
        if (scope is null) return [];
        var options = _options.Retrieval;
        var effective = _vectors is null ? RetrievalMode.Lexical : mode ?? options.Mode;
        var retriever = new HybridRetriever(_log, () => _lexical, _vectors, _options.Embeddings, options, _parts);
        return await retriever.SearchAsync(query, filter, scope, top, effective, cancellationToken);
    }

    /// <summary>
    /// Diagnostics and tuning: each retrieval channel's own ranking (up to <paramref name="candidates"/> per channel,
    /// raw BM25 or cosine scores, no fusion, prior, expansion or recency step) for a query, as <see cref="SearchAsync(string, SearchFilter?, int, RetrievalMode?, CancellationToken)"/>
    /// would fuse them. The temporal channel appears only when the query names a time and the options weigh it.
    /// </summary>
    public async Task<IReadOnlyList<RankingChannel>> RankChannelsAsync(string query, SearchFilter? filter, int candidates, RetrievalMode? mode = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(candidates);
        filter ??= SearchFilter.All;
        var scope = await ResolveScopeAsync(filter, cancellationToken);
        if (scope is null) return [];
        var options = _options.Retrieval;
        var effective = _vectors is null ? RetrievalMode.Lexical : mode ?? options.Mode;
        var retriever = new HybridRetriever(_log, () => _lexical, _vectors, _options.Embeddings, options, _parts);
        return await retriever.ChannelsAsync(query, filter, scope, candidates, effective, cancellationToken);
    }

    Task<IReadOnlyList<SearchHit>> IEvidenceRetriever.RetrieveAsync(string query, SearchFilter filter, int top, CancellationToken cancellationToken) =>
        SearchAsync(query, filter, top, cancellationToken);

    /// <summary>Null when the filter names only streams that do not exist (nothing can match).</summary>
    private async Task<LexicalScope?> ResolveScopeAsync(SearchFilter filter, CancellationToken cancellationToken)
    {
        HashSet<int>? ids = null;
        if (filter.Streams is { Count: > 0 } streams)
        {
            ids = [];
            foreach (var s in streams)
                if (await _log.GetStreamIdAsync(s, cancellationToken) is int id) ids.Add(id);
            if (ids.Count == 0) return null;
        }
        return new LexicalScope
        {
            StreamIds = ids,
            FromUnixMs = filter.From?.ToUnixTimeMilliseconds(),
            ToUnixMs = filter.To?.ToUnixTimeMilliseconds(),
            Role = filter.Role,
            Speaker = filter.Speaker,
            Session = filter.Session,
        };
    }

    /// <summary>Builds the budgeted, cited context for one stream (see <see cref="ContextAssembler"/>).</summary>
    public Task<AssembledContext> AssembleContextAsync(ContextRequest request, CancellationToken cancellationToken = default) =>
        _assembler.AssembleAsync(request, cancellationToken);

    /// <summary>Deletes a stream, or one entry of it, from the log and every index; returns the seqs removed.</summary>
    public async Task<IReadOnlyList<long>> ForgetAsync(string stream, string? externalId = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stream);
        EnsureWritable();
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            // Between indexer batches: none of the forgotten entries can be mid-embedding and appended afterwards.
            using var paused = _indexer is null ? null : await _indexer.PauseAsync(cancellationToken);
            var seqs = await _log.ForgetAsync(stream, externalId, cancellationToken);
            if (seqs.Count > 0)
            {
                _lexical.Delete(seqs);
                _lexical.Flush();
                _vectors?.Delete(seqs);
                _parts?.Delete(seqs);
            }
            return seqs;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Throws the derived indexes away and rebuilds them from the log.</summary>
    public async Task ReindexAsync(IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        EnsureWritable();
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            _lexical.Dispose();
            string dir = LexicalDirectory(Directory);
            if (System.IO.Directory.Exists(dir)) System.IO.Directory.Delete(dir, recursive: true);
            var fresh = OpenLexical(Directory, readOnly: false, LexicalOptions(_options));
            _lexical = fresh;
            long done = 0;
            var batch = new List<Entry>(4096);
            await foreach (var e in _log.ReadAfterAsync(0, cancellationToken))
            {
                batch.Add(e);
                if (batch.Count == batch.Capacity)
                {
                    await IndexAsync(batch, cancellationToken);
                    done += batch.Count;
                    batch.Clear();
                    progress?.Report(done);
                }
            }
            if (batch.Count > 0)
            {
                await IndexAsync(batch, cancellationToken);
                done += batch.Count;
                progress?.Report(done);
            }
            _lexical.Flush();
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public async Task<StoreStats> GetStatsAsync(CancellationToken cancellationToken = default)
    {
        var log = await _log.GetStatsAsync(cancellationToken);
        var lex = _lexical.GetStats();
        return new StoreStats(Directory, TokenCounter.Name, log.Entries, log.Streams, log.Tokens, log.LastSeq, log.BytesOnDisk,
            lex.CoveredSeq, lex.PersistedSeq, lex.Segments, lex.Terms, lex.BytesOnDisk)
        {
            VectorModel = _vectors?.ModelId,
            Vectors = _vectors?.Count ?? 0,
            VectorParts = _parts?.Count ?? 0,
            VectorSearch = _vectors?.SearchMethod,
            VectorPartSearch = _parts is { Count: > 0 } p ? p.SearchMethod : null,
            VectorsPending = _vectors is null ? 0 : await _log.CountAfterAsync(Math.Min(_vectors.CoveredSeq, _parts?.CoveredSeq ?? long.MaxValue), cancellationToken),
        };
    }

    public async ValueTask DisposeAsync()
    {
        if (_indexer is not null) await _indexer.DisposeAsync();
        await _writeGate.WaitAsync();
        try
        {
            _lexical.Dispose();
            _vectors?.Dispose();
            _parts?.Dispose();
            await _log.DisposeAsync();
            _lock?.Dispose();
        }
        finally
        {
            _writeGate.Release();
        }
        _writeGate.Dispose();
    }
}
