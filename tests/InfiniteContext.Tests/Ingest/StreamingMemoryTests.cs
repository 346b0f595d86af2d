using System.Text;
using InfiniteContext.Ingest;
using InfiniteContext.Text;

namespace InfiniteContext.Tests.Ingest;

/// <summary>Readers must hold at most a buffer's worth of input ahead of what they have yielded, whatever the input size.</summary>
public sealed class StreamingMemoryTests : IDisposable
{
    private const int Lines = 200_000;
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task The_jsonl_reader_never_reads_far_ahead_of_what_it_yields()
    {
        string path = WriteJsonl(_folder, "big.jsonl", Lines, out long[] lineEnds);
        await using var counting = new ReadCountingStream(File.OpenRead(path));

        long maxAhead = 0;
        int count = 0;
        await foreach (IngestItem item in new JsonlEntryReader().ReadAsync(counting, "big.jsonl", ReaderRun.Options()))
        {
            item.Entry.ShouldNotBeNull();
            maxAhead = Math.Max(maxAhead, counting.BytesRead - lineEnds[count]);
            count++;
        }

        count.ShouldBe(Lines);
        counting.BytesRead.ShouldBe(new FileInfo(path).Length);
        maxAhead.ShouldBeLessThanOrEqualTo(Utf8LineReader.DefaultBufferBytes);
    }

    [Fact]
    public async Task The_text_reader_never_reads_far_ahead_of_what_it_yields()
    {
        var content = new StringBuilder();
        var lineEnds = new List<long> { 0 }; // lineEnds[n] = bytes up to the end of line n (1-based)
        for (int i = 0; i < 50_000; i++)
        {
            foreach (string line in new[] { $"Paragraph {i} says something short.\n", "\n" })
            {
                content.Append(line);
                lineEnds.Add(lineEnds[^1] + line.Length);
            }
        }
        string path = _folder.Write("big.md", content.ToString());
        await using var counting = new ReadCountingStream(File.OpenRead(path));

        long maxAhead = 0;
        long lastLineYielded = 0;
        int count = 0;
        await foreach (IngestItem item in new TextEntryReader(TiktokenCounter.Get(TiktokenCounter.O200kBase)).ReadAsync(counting, "big.md", ReaderRun.Options(maxChunkTokens: 64)))
        {
            string id = item.Entry.ShouldNotBeNull().ExternalId!;
            lastLineYielded = long.Parse(id[(id.LastIndexOf('L') + 1)..]);
            maxAhead = Math.Max(maxAhead, counting.BytesRead - lineEnds[(int)lastLineYielded]);
            count++;
        }

        count.ShouldBeGreaterThan(1000);
        lastLineYielded.ShouldBe(99_999);
        // The pending chunk (at most 64 tokens of these lines) is held back too.
        maxAhead.ShouldBeLessThanOrEqualTo(Utf8LineReader.DefaultBufferBytes + 1024);
    }

    internal static string WriteJsonl(TempDirectory folder, string name, int lines, out long[] lineEnds)
    {
        string path = Path.Combine(folder.Path, name);
        lineEnds = new long[lines];
        using (var writer = new StreamWriter(path, false, new UTF8Encoding(false)))
        {
            long offset = 0;
            for (int i = 0; i < lines; i++)
            {
                string line = $"{{\"stream\":\"s\",\"id\":{i},\"text\":\"message number {i} {new string('x', i % 97)}\"}}\n";
                writer.Write(line);
                offset += Encoding.UTF8.GetByteCount(line);
                lineEnds[i] = offset;
            }
        }
        return path;
    }

    /// <summary>Counts how far a reader has pulled from the underlying stream.</summary>
    private sealed class ReadCountingStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => Count(await inner.ReadAsync(buffer, cancellationToken));
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }

        private int Count(int read)
        {
            BytesRead += read;
            return read;
        }
    }
}
