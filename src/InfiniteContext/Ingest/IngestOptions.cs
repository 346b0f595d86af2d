namespace InfiniteContext.Ingest;

public enum OnError
{
    /// <summary>Stop at the first bad record: everything before it is stored, nothing at or after it.</summary>
    Abort,
    /// <summary>Report the bad record and go on.</summary>
    Skip,
}

public sealed record IngestOptions
{
    public OnError OnError { get; init; } = OnError.Abort;

    /// <summary>Entries per durable commit. Larger batches amortize the fsync; each commit is one acknowledgement.</summary>
    public int BatchSize { get; init; } = 2048;

    /// <summary>Called after every durable commit with running totals.</summary>
    public IProgress<IngestProgress>? Progress { get; init; }

    /// <summary>Called for each bad record (with <see cref="OnError.Skip"/>, and for the one that stops an abort).</summary>
    public Action<IngestProblem>? OnProblem { get; init; }
}

/// <summary>Running totals; every count here is durable when reported.</summary>
public readonly record struct IngestProgress(long Added, long Duplicates, long Problems, long Tokens, IngestProblem? LastProblem);

public sealed record IngestResult(long Added, long Duplicates, long Problems, long Tokens, IngestProblem? AbortedAt, TimeSpan Elapsed)
{
    public bool Aborted => AbortedAt is not null;
}
