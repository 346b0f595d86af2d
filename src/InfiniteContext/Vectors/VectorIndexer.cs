using InfiniteContext.Storage;
using Microsoft.Extensions.AI;

namespace InfiniteContext.Vectors;

/// <summary>
/// Fills in dense vectors behind ingest: reads the log past the vector store's covered seq, embeds in
/// batches, appends durably. Ingest never waits for it (no model on the ingest path); retrieval uses what
/// is ready. Runs as a background loop woken after each ingest, or on demand (<c>infctx index --wait</c>).
/// </summary>
public sealed class VectorIndexer : IAsyncDisposable
{
    /// <summary>Entries per model call: what the store uses unless told otherwise (benchmarks compare against it).</summary>
    public const int DefaultBatchSize = 64;

    private readonly ILogStore _log;
    private readonly VectorStore _store;
    private readonly PartVectors? _parts;
    private readonly IEmbeddingGenerator<string, Embedding<float>> _generator;
    private readonly int _batchSize;
    private readonly SemaphoreSlim _run = new(1, 1);     // one batch in flight: read, embed, append
    private readonly SemaphoreSlim _append = new(1, 1);  // the append step, against forget
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    /// <param name="parts">Where the entries' sentence views go (<see cref="PartVectors"/>); null: entry vectors only.</param>
    public VectorIndexer(ILogStore log, VectorStore store, IEmbeddingGenerator<string, Embedding<float>> generator, int batchSize = DefaultBatchSize, PartVectors? parts = null)
    {
        _log = log;
        _store = store;
        _parts = parts;
        _generator = generator;
        _batchSize = Math.Max(1, batchSize);
    }

    /// <summary>The last error of the background loop, if any (it retries on the next wake).</summary>
    public Exception? LastError { get; private set; }

    public void StartBackground()
    {
        _loop ??= Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    await IndexPendingAsync(null, _stop.Token);
                    LastError = null;
                    await _wake.WaitAsync(_stop.Token);
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    LastError = ex;
                    try { await Task.Delay(TimeSpan.FromSeconds(1), _stop.Token); }
                    catch (OperationCanceledException) { return; }
                }
            }
        });
    }

    /// <summary>New entries are in the log: wake the background loop.</summary>
    public void Notify()
    {
        try { _wake.Release(); }
        catch (SemaphoreFullException) { /* already awake */ }
    }

    /// <summary>
    /// Embeds every entry past the covered seq (and the sentence views of every entry past the parts' covered seq, which
    /// trails the entries' only in a store whose entry vectors predate parts); returns how many entry vectors were added. Works one batch at a
    /// time with the log cursor closed before the model runs (a long embedding call never holds a read
    /// transaction that would stall a forget's WAL checkpoint). The append itself holds the append lock
    /// that forget takes (<see cref="PauseAsync"/>) and first drops entries forgotten while the batch was
    /// being embedded, so no vector of a forgotten entry is written after its deletion.
    /// </summary>
    public async Task<long> IndexPendingAsync(IProgress<long>? progress, CancellationToken cancellationToken)
    {
        long added = 0;
        while (true)
        {
            await _run.WaitAsync(cancellationToken);
            try
            {
                var batch = new List<Entry>(_batchSize);
                long from = _parts is null ? _store.CoveredSeq : Math.Min(_store.CoveredSeq, _parts.CoveredSeq);
                await foreach (var e in _log.ReadAfterAsync(from, cancellationToken))
                {
                    batch.Add(e);
                    if (batch.Count == _batchSize) break; // leaving the loop closes the cursor
                }
                if (batch.Count == 0) return added;
                added += await EmbedAsync(batch, cancellationToken);
            }
            finally
            {
                _run.Release();
            }
            progress?.Report(added);
        }
    }

    /// <summary>Blocks vector appends until the returned handle is disposed (forget holds it while it deletes).</summary>
    public async Task<IDisposable> PauseAsync(CancellationToken cancellationToken)
    {
        await _append.WaitAsync(cancellationToken);
        return new Releaser(_append);
    }

    private sealed class Releaser(SemaphoreSlim gate) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) gate.Release();
        }
    }

    private async Task<int> EmbedAsync(List<Entry> batch, CancellationToken cancellationToken)
    {
        long entriesCovered = _store.CoveredSeq;
        long partsCovered = _parts?.CoveredSeq ?? long.MaxValue;
        // One model call: the own text of every entry that needs its vector (a part's blend needs its entry's vector too,
        // so an entry whose vector is stored already is embedded again when it has parts pending), then the parts.
        var views = new IReadOnlyList<string>[batch.Count];
        var texts = new List<string>(batch.Count * 2);
        var ownAt = new int[batch.Count];
        for (int i = 0; i < batch.Count; i++)
        {
            views[i] = batch[i].Seq > partsCovered ? Retrieval.RetrievalText.Parts(batch[i]) : [];
            ownAt[i] = -1;
            if (batch[i].Seq > entriesCovered || views[i].Count > 0)
            {
                ownAt[i] = texts.Count;
                texts.Add(Retrieval.RetrievalText.For(batch[i]));
            }
        }
        var partsOf = new List<(int Entry, int Part, int At)>();
        for (int i = 0; i < batch.Count; i++)
        {
            for (int p = 0; p < views[i].Count; p++)
            {
                partsOf.Add((i, p, texts.Count));
                texts.Add(views[i][p]);
            }
        }
        var vectors = texts.Count == 0 ? new GeneratedEmbeddings<Embedding<float>>() : await _generator.GenerateAsync(texts, cancellationToken: cancellationToken);
        if (vectors.Count != texts.Count) throw new InvalidOperationException($"The embedding model returned {vectors.Count} vectors for {texts.Count} texts.");
        var streamIds = new int[batch.Count];
        for (int i = 0; i < batch.Count; i++)
            streamIds[i] = await _log.GetStreamIdAsync(batch[i].Stream, cancellationToken) ?? -1;
        await _append.WaitAsync(cancellationToken);
        try
        {
            // Entries forgotten while the model ran are gone from the log now: write no vector for them.
            var alive = (await _log.GetAsync(batch.Select(e => e.Seq).ToList(), cancellationToken)).Select(e => e.Seq).ToHashSet();
            bool Keep(int i) => alive.Contains(batch[i].Seq) && streamIds[i] >= 0;
            if (_parts is not null && batch[^1].Seq > partsCovered)
            {
                // Parts first: a crash before the entry vectors leaves parts the marker covers and entries the indexer redoes.
                var parts = new List<(long, int, int, ReadOnlyMemory<float>)>(partsOf.Count);
                foreach (var (i, p, at) in partsOf)
                {
                    if (!Keep(i)) continue;
                    var own = vectors[ownAt[i]].Vector.Span;
                    var sentence = vectors[at].Vector.Span;
                    var blend = new float[own.Length];
                    for (int d = 0; d < blend.Length; d++) blend[d] = 0.5f * (own[d] + sentence[d]);
                    parts.Add((batch[i].Seq, p, streamIds[i], blend));
                }
                _parts.Append(parts, batch[^1].Seq);
            }
            var records = new List<(long, int, ReadOnlyMemory<float>)>(batch.Count);
            for (int i = 0; i < batch.Count; i++)
                if (batch[i].Seq > entriesCovered && Keep(i)) records.Add((batch[i].Seq, streamIds[i], vectors[ownAt[i]].Vector));
            if (records.Count > 0) _store.Append(records);
            return records.Count;
        }
        finally
        {
            _append.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            try { await _loop; } catch (OperationCanceledException) { }
        }
        _stop.Dispose();
        _run.Dispose();
        _append.Dispose();
        _wake.Dispose();
    }
}
