using System.Diagnostics;
using System.Threading.Channels;
using InfiniteContext.Storage;
using InfiniteContext.Text;

namespace InfiniteContext.Ingest;

/// <summary>
/// Two stages so both cores work: the producer reads, validates and counts tokens for batch n+1 (in parallel)
/// while the consumer commits batch n durably and indexes it. A batch is acknowledged (progress reported)
/// only after its commit returns.
/// </summary>
internal sealed class IngestPipeline(ILogStore log, ITokenCounter tokens, Func<IReadOnlyList<Entry>, CancellationToken, Task> onCommitted)
{
    public async Task<IngestResult> RunAsync(IAsyncEnumerable<IngestItem> items, IngestOptions options, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var channel = Channel.CreateBounded<List<PreparedEntry>>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
        long problems = 0;
        IngestProblem? abortedAt = null;
        IngestProblem? lastProblem = null;
        int batchSize = Math.Max(1, options.BatchSize);

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
                        await channel.Writer.WriteAsync(Prepare(pending), cancellationToken);
                        pending = new List<NewEntry>(batchSize);
                    }
                }
                if (pending.Count > 0) await channel.Writer.WriteAsync(Prepare(pending), cancellationToken);
                channel.Writer.TryComplete();
            }
            catch (Exception ex)
            {
                channel.Writer.TryComplete(ex);
                throw;
            }
        }

        long added = 0, duplicates = 0, tokenTotal = 0;

        async Task ConsumeAsync()
        {
            await foreach (var batch in channel.Reader.ReadAllAsync(cancellationToken))
            {
                var result = await log.AppendAsync(batch, cancellationToken);
                var stored = new List<Entry>(batch.Count);
                foreach (var e in result.Appended)
                {
                    if (e is null) { duplicates++; continue; }
                    stored.Add(e);
                    tokenTotal += e.Tokens;
                }
                added += stored.Count;
                if (stored.Count > 0) await onCommitted(stored, cancellationToken);
                options.Progress?.Report(new IngestProgress(added, duplicates, Interlocked.Read(ref problems), tokenTotal, Volatile.Read(ref lastProblem)));
            }
        }

        var producer = Task.Run(ProduceAsync, cancellationToken);
        try
        {
            await ConsumeAsync();
        }
        catch
        {
            // The consumer failed (disk full, cancelled): stop the producer before surfacing the error.
            channel.Writer.TryComplete();
            try { await producer; } catch (Exception) { /* the consumer's error is the one to report */ }
            throw;
        }
        await producer;
        return new IngestResult(added, duplicates, Interlocked.Read(ref problems), tokenTotal, abortedAt, clock.Elapsed);
    }

    private List<PreparedEntry> Prepare(List<NewEntry> entries)
    {
        var prepared = new PreparedEntry[entries.Count];
        Parallel.For(0, entries.Count, i => prepared[i] = new PreparedEntry(entries[i], tokens.CountTokens(entries[i].Text)));
        return [.. prepared];
    }
}
