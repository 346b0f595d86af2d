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
    private readonly ILogStore _log;
    private readonly VectorStore _store;
    private readonly IEmbeddingGenerator<string, Embedding<float>> _generator;
    private readonly int _batchSize;
    private readonly SemaphoreSlim _run = new(1, 1);
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public VectorIndexer(ILogStore log, VectorStore store, IEmbeddingGenerator<string, Embedding<float>> generator, int batchSize = 64)
    {
        _log = log;
        _store = store;
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

    /// <summary>Embeds every entry past the covered seq; returns how many vectors were added.</summary>
    public async Task<long> IndexPendingAsync(IProgress<long>? progress, CancellationToken cancellationToken)
    {
        await _run.WaitAsync(cancellationToken);
        try
        {
            long added = 0;
            var batch = new List<Entry>(_batchSize);
            await foreach (var e in _log.ReadAfterAsync(_store.CoveredSeq, cancellationToken))
            {
                batch.Add(e);
                if (batch.Count == _batchSize)
                {
                    added += await EmbedAsync(batch, cancellationToken);
                    batch.Clear();
                    progress?.Report(added);
                }
            }
            if (batch.Count > 0)
            {
                added += await EmbedAsync(batch, cancellationToken);
                progress?.Report(added);
            }
            return added;
        }
        finally
        {
            _run.Release();
        }
    }

    private async Task<int> EmbedAsync(List<Entry> batch, CancellationToken cancellationToken)
    {
        var vectors = await _generator.GenerateAsync(batch.Select(Retrieval.RetrievalText.For), cancellationToken: cancellationToken);
        if (vectors.Count != batch.Count) throw new InvalidOperationException($"The embedding model returned {vectors.Count} vectors for {batch.Count} texts.");
        var records = new List<(long, int, ReadOnlyMemory<float>)>(batch.Count);
        for (int i = 0; i < batch.Count; i++)
        {
            int streamId = await _log.GetStreamIdAsync(batch[i].Stream, cancellationToken) ?? throw new InvalidDataException($"Unknown stream '{batch[i].Stream}'.");
            records.Add((batch[i].Seq, streamId, vectors[i].Vector));
        }
        _store.Append(records);
        return batch.Count;
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
        _wake.Dispose();
    }
}
