namespace InfiniteContext.Ingest;

/// <summary>
/// A forward-only stream that replays bytes already taken from an inner stream (to sniff its format) and then
/// continues with the inner stream, so stdin and other unseekable inputs can be inspected before they are read.
/// </summary>
internal sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream inner) : Stream
{
    private ReadOnlyMemory<byte> _prefix = prefix;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_prefix.IsEmpty) return inner.Read(buffer);
        int n = Math.Min(buffer.Length, _prefix.Length);
        _prefix.Span[..n].CopyTo(buffer);
        _prefix = _prefix[n..];
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_prefix.IsEmpty) return inner.ReadAsync(buffer, cancellationToken);
        return ValueTask.FromResult(Read(buffer.Span));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>Reads up to <paramref name="maxBytes"/> from <paramref name="input"/> (fewer only at its end).</summary>
    public static async Task<byte[]> ReadPrefixAsync(Stream input, int maxBytes, CancellationToken cancellationToken)
    {
        byte[] prefix = new byte[maxBytes];
        int filled = 0;
        while (filled < maxBytes)
        {
            int read = await input.ReadAsync(prefix.AsMemory(filled), cancellationToken);
            if (read == 0) break;
            filled += read;
        }
        return filled == maxBytes ? prefix : prefix[..filled];
    }
}
