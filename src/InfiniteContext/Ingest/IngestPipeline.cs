using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using InfiniteContext.Storage;
using InfiniteContext.Text;

namespace InfiniteContext.Ingest;

/// <summary>
/// Four overlapping stages so both cores stay busy: the reader parses and validates the next batch while
/// earlier ones are prepared on one dedicated thread, a batch at a time (token counts, and text analyzed into
/// term ids for the lexical index); the committer writes prepared batches to the log durably, in input order; the indexer adds
/// committed batches' already-analyzed terms to the lexical index. A batch is acknowledged (progress
/// reported) once its commit returns; the run returns once every batch is also indexed.
/// </summary>
/// <param name="analyze">The lexical index's view of an entry, analyzed (null: the index analyzes at commit).</param>
/// <param name="onCommitted">Called with the entries a commit stored (duplicates left out) and their analyzed text.</param>
internal sealed class IngestPipeline(
    ILogStore log,
    ITokenCounter tokens,
    Func<NewEntry, AnalyzedText>? analyze,
    Func<IReadOnlyList<Entry>, IReadOnlyList<AnalyzedText?>, CancellationToken, Task> onCommitted)
{
    private sealed record PreparedBatch(List<PreparedEntry> Entries, AnalyzedText?[] Analyzed);

    public async Task<IngestResult> RunAsync(IAsyncEnumerable<IngestItem> items, IngestOptions options, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        // Batches are prepared (counted, analyzed) while the reader parses the next one; the channel carries the
        // preparations in input order, so commits stay in order.
        var channel = Channel.CreateBounded<Task<PreparedBatch>>(new BoundedChannelOptions(3) { SingleReader = true, SingleWriter = true });
        long problems = 0;
        IngestProblem? abortedAt = null;
        IngestProblem? lastProblem = null;
        int batchSize = Math.Max(1, options.BatchSize);

        // Preparations run one after another on one dedicated thread, overlapping the reader, the commit and the
        // index stage but never each other: the per-thread memos of chunk counts and terms stay warm on that one
        // thread for the whole ingest, and the shared tables behind them have a single writer. (Two batches
        // preparing at once queued on those tables' locks while they warmed up, and preparations hopping between
        // pool threads warmed a memo per thread.)
        using var toPrepare = new BlockingCollection<(List<NewEntry> Batch, TaskCompletionSource<PreparedBatch> Done)>(boundedCapacity: 3);
        var preparer = new Thread(() =>
        {
            try
            {
                foreach (var (batch, done) in toPrepare.GetConsumingEnumerable())
                {
                    if (cancellationToken.IsCancellationRequested) { done.TrySetCanceled(cancellationToken); continue; }
                    try { done.TrySetResult(Prepare(batch)); }
                    catch (Exception ex) { done.TrySetException(ex); }
                }
            }
            catch (ObjectDisposedException) { /* the run ended first */ }
        })
        { IsBackground = true, Name = "ingest prepare" };
        preparer.Start();
        Task<PreparedBatch> StartPrepare(List<NewEntry> batch)
        {
            var done = new TaskCompletionSource<PreparedBatch>(TaskCreationOptions.RunContinuationsAsynchronously);
            toPrepare.Add((batch, done), cancellationToken);
            return done.Task;
        }

        async Task ProduceAsync()
        {
            var pending = new List<NewEntry>(batchSize);
            try
            {
                await foreach (var item in items.WithCancellation(cancellationToken))
                {
                    IngestProblem? problem = item.Problem;
                    if (problem is null && item.Entry is { } entry && EntryValidator.Check(entry) is { } bad)
                        problem = new IngestProblem(entry.ExternalId is null ? entry.Stream : $"{entry.Stream}/{entry.ExternalId}", 0, bad.Field, bad.Message);
                    if (problem is not null)
                    {
                        Interlocked.Increment(ref problems);
                        Volatile.Write(ref lastProblem, problem);
                        options.OnProblem?.Invoke(problem);
                        if (options.OnError == OnError.Abort)
                        {
                            abortedAt = problem;
                            break;
                        }
                        continue;
                    }
                    pending.Add(item.Entry!);
                    if (pending.Count >= batchSize)
                    {
                        var full = pending;
                        await channel.Writer.WriteAsync(StartPrepare(full), cancellationToken);
                        pending = new List<NewEntry>(batchSize);
                    }
                }
                if (pending.Count > 0) await channel.Writer.WriteAsync(StartPrepare(pending), cancellationToken);
                toPrepare.CompleteAdding();
                channel.Writer.TryComplete();
            }
            catch (Exception ex)
            {
                toPrepare.CompleteAdding();
                channel.Writer.TryComplete(ex);
                throw;
            }
        }

        long added = 0, duplicates = 0, tokenTotal = 0;
        var committed = Channel.CreateBounded<(List<Entry> Stored, List<AnalyzedText?> Analyzed)>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });

        async Task CommitAsync()
        {
            try
            {
                await foreach (var preparing in channel.Reader.ReadAllAsync(cancellationToken))
                {
                    var batch = await preparing;
                    var result = await log.AppendAsync(batch.Entries, cancellationToken);
                    var stored = new List<Entry>(batch.Entries.Count);
                    var analyzed = new List<AnalyzedText?>(batch.Entries.Count);
                    for (int i = 0; i < result.Appended.Count; i++)
                    {
                        if (result.Appended[i] is not { } e) { duplicates++; continue; }
                        stored.Add(e);
                        analyzed.Add(batch.Analyzed[i]);
                        tokenTotal += e.Tokens;
                    }
                    added += stored.Count;
                    // Durable now: acknowledge, then hand the batch to the index stage.
                    options.Progress?.Report(new IngestProgress(added, duplicates, Interlocked.Read(ref problems), tokenTotal, Volatile.Read(ref lastProblem)));
                    if (stored.Count > 0) await committed.Writer.WriteAsync((stored, analyzed), cancellationToken);
                }
                committed.Writer.TryComplete();
            }
            catch (Exception ex)
            {
                committed.Writer.TryComplete(ex);
                throw;
            }
        }

        // The index stage trails the commits by at most two batches; it can never get ahead of the log.
        async Task IndexAsync()
        {
            await foreach (var (stored, analyzed) in committed.Reader.ReadAllAsync(cancellationToken))
                await onCommitted(stored, analyzed, cancellationToken);
        }

        var producer = Task.Run(ProduceAsync, cancellationToken);
        var indexer = Task.Run(IndexAsync, cancellationToken);
        try
        {
            await CommitAsync();
            await indexer;
        }
        catch
        {
            // A stage failed (disk full, cancelled): stop the others before surfacing the first error.
            channel.Writer.TryComplete();
            committed.Writer.TryComplete();
            try { await producer; } catch (Exception) { /* the failed stage's error is the one to report */ }
            try { await indexer; } catch (Exception) { /* likewise */ }
            preparer.Join(); // the producer has completed the preparer's queue, whichever way it ended
            throw;
        }
        await producer;
        preparer.Join();
        return new IngestResult(added, duplicates, Interlocked.Read(ref problems), tokenTotal, abortedAt, clock.Elapsed);
    }

    private PreparedBatch Prepare(List<NewEntry> entries)
    {
        // Entries in order on the preparing thread. A Parallel.For per batch woke every pool thread per batch (they
        // spun between batches) and made the threads warming the shared count and term tables contend for their locks.
        var prepared = new List<PreparedEntry>(entries.Count);
        var analyzed = new AnalyzedText?[entries.Count];
        for (int i = 0; i < entries.Count; i++)
        {
            prepared.Add(new PreparedEntry(entries[i], tokens.CountTokens(entries[i].Text)));
            analyzed[i] = analyze?.Invoke(entries[i]);
        }
        return new PreparedBatch(prepared, analyzed);
    }
}
