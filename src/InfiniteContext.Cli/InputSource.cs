using System.Runtime.CompilerServices;
using InfiniteContext.Ingest;
using InfiniteContext.Text;

namespace InfiniteContext.Cli;

/// <summary>
/// What <c>infctx ingest PATH</c> reads, with a byte counter so the progress bar can show how much of
/// the input is done (total unknown for stdin).
/// </summary>
internal sealed class InputSource(string path)
{
    private long _bytesRead;

    public long BytesRead => Interlocked.Read(ref _bytesRead);

    public long TotalBytes { get; private set; }

    /// <summary>
    /// Resolves every file's format before the store is opened, so an unknown format is refused without
    /// creating or touching a store. Stdin is resolved while reading (it can only be read once).
    /// </summary>
    public async Task CheckFormatsAsync(IngestFormat format, CancellationToken cancellationToken)
    {
        if (format != IngestFormat.Auto) return;
        foreach (var (file, sourceName) in IngestSources.EnumerateFiles(path, format))
        {
            if (file == IngestSources.StandardInputPath) continue;
            await using var input = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read);
            var (_, replay) = await IngestSources.DetectAsync(input, sourceName, cancellationToken);
            await replay.DisposeAsync();
        }
    }

    public async IAsyncEnumerable<IngestItem> ReadAsync(IngestFormat format, IngestReaderOptions options, ITokenCounter tokenCounter,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var sources = new IngestSources(tokenCounter);
        var files = IngestSources.EnumerateFiles(path, format);
        TotalBytes = files.Sum(f => f.Path == IngestSources.StandardInputPath ? 0 : new FileInfo(f.Path).Length);
        foreach (var (file, sourceName) in files)
        {
            Stream raw;
            try
            {
                raw = file == IngestSources.StandardInputPath
                    ? Console.OpenStandardInput()
                    : new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan | FileOptions.Asynchronous);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new IngestException($"{sourceName}: cannot open: {ex.Message}", ex);
            }
            await using var counted = new CountingStream(raw, n => Interlocked.Add(ref _bytesRead, n));
            await foreach (var item in sources.ReadAsync(counted, sourceName, format, options, cancellationToken))
                yield return item;
        }
    }

    /// <summary>Read-only pass-through that reports bytes read.</summary>
    private sealed class CountingStream(Stream inner, Action<int> onRead) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));
        public override int Read(Span<byte> buffer) => Counted(inner.Read(buffer));
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Counted(await inner.ReadAsync(buffer, cancellationToken));
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Counted(int n)
        {
            onRead(n);
            return n;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync();
            await base.DisposeAsync();
        }
    }
}
