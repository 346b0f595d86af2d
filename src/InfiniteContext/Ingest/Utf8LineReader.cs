using System.Buffers;

namespace InfiniteContext.Ingest;

/// <summary>
/// Reads a byte stream one line at a time into a reused buffer, so memory is bounded by the longest line
/// allowed (not by the input). Lines end at '\n'; a trailing '\r' and a leading UTF-8 byte order mark are dropped.
/// A line longer than the limit is skipped to its end and reported through <see cref="IsTooLong"/>.
/// </summary>
internal sealed class Utf8LineReader : IDisposable
{
    /// <summary>Lines longer than this are rejected: one JSON record should never come near it.</summary>
    public const int DefaultMaxLineBytes = 16 * 1024 * 1024;
    public const int DefaultBufferBytes = 64 * 1024;

    private readonly Stream _stream;
    private readonly int _maxLineBytes;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private bool _eof;
    private bool _atStart = true;

    public Utf8LineReader(Stream stream, int maxLineBytes = DefaultMaxLineBytes, int bufferBytes = DefaultBufferBytes)
    {
        _stream = stream;
        _maxLineBytes = maxLineBytes;
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Min(bufferBytes, maxLineBytes + 2));
    }

    /// <summary>1-based number of the current line.</summary>
    public long LineNumber { get; private set; }

    /// <summary>The current line without its terminator; valid until the next read. Empty when <see cref="IsTooLong"/>.</summary>
    public ReadOnlyMemory<byte> Line { get; private set; }

    /// <summary>The current line exceeded the limit; its bytes were skipped.</summary>
    public bool IsTooLong { get; private set; }

    /// <summary>Bytes the reader holds beyond the current line (read from the stream, not yet returned as lines).</summary>
    public int BufferedAheadBytes => _end - _start;

    public async ValueTask<bool> ReadLineAsync(CancellationToken cancellationToken)
    {
        IsTooLong = false;
        Line = ReadOnlyMemory<byte>.Empty;
        int scanFrom = _start;
        bool skipping = false;
        while (true)
        {
            int newline = Array.IndexOf(_buffer, (byte)'\n', scanFrom, _end - scanFrom);
            if (newline >= 0)
            {
                LineNumber++;
                if (skipping || newline - _start > _maxLineBytes + 1)
                {
                    IsTooLong = true;
                }
                else
                {
                    Line = Trim(_start, newline);
                }
                _start = newline + 1;
                return true;
            }

            if (_eof)
            {
                if (_end == _start && !skipping) return false;
                LineNumber++;
                if (skipping || _end - _start > _maxLineBytes) IsTooLong = true;
                else Line = Trim(_start, _end);
                _start = _end;
                return true;
            }

            if (_end - _start > _maxLineBytes + 1)
            {
                // Too long: drop what we have and keep scanning for the end of this line.
                skipping = true;
                _start = _end = 0;
            }

            scanFrom = await FillAsync(cancellationToken) ;
        }
    }

    /// <summary>Makes room (compacting or growing up to the limit) and reads more; returns where scanning resumes.</summary>
    private async ValueTask<int> FillAsync(CancellationToken cancellationToken)
    {
        int pending = _end - _start;
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, pending);
            _start = 0;
            _end = pending;
        }
        if (_end == _buffer.Length)
        {
            byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Min(_buffer.Length * 2, _maxLineBytes + 2));
            Buffer.BlockCopy(_buffer, 0, larger, 0, _end);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }
        int read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
        if (read == 0) _eof = true;
        int resume = _end;
        _end += read;
        return resume;
    }

    private ReadOnlyMemory<byte> Trim(int from, int to)
    {
        if (to > from && _buffer[to - 1] == (byte)'\r') to--;
        if (_atStart)
        {
            _atStart = false;
            if (to - from >= 3 && _buffer[from] == 0xEF && _buffer[from + 1] == 0xBB && _buffer[from + 2] == 0xBF) from += 3;
        }
        return _buffer.AsMemory(from, to - from);
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
