namespace InfiniteContext.Ingest;

/// <summary>
/// Turns one input (a file, stdin) of a known layout into entries, streaming: memory stays bounded by one
/// record (a line, a sample, a conversation) whatever the input size. Bad records become
/// <see cref="IngestProblem"/>s and reading goes on with the next record where the layout allows it.
/// </summary>
public interface IEntryReader
{
    /// <summary>The layout this reader understands.</summary>
    IngestFormat Format { get; }

    /// <param name="input">Read forward only; never seeked, never disposed by the reader.</param>
    /// <param name="sourceName">How problems and ids name the input (a relative path, "stdin").</param>
    IAsyncEnumerable<IngestItem> ReadAsync(Stream input, string sourceName, IngestReaderOptions options, CancellationToken cancellationToken = default);
}
