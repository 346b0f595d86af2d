using System.Text;
using InfiniteContext.Text;

namespace InfiniteContext.Ingest;

/// <summary>
/// Splits a text or Markdown document, fed one line at a time, into chunks of at most a token limit.
/// Blocks are ATX headings (#..######), fenced code (``` or ~~~) and blank-line separated paragraphs. Consecutive
/// blocks of one heading section are merged while the merged text fits; a heading starts a new chunk and is the first
/// line of it (so the document's text is kept whole, while the heading path also goes to the chunk's metadata).
/// A block over the limit is cut at sentences (code: lines), then words, then inside a word; a fence is never
/// cut unless it alone exceeds the limit. Chunk text is the exact source lines (blank lines between merged blocks kept).
/// Memory: the pending chunk plus the current block, which is force-ended once it grows far past anything
/// that could fit (see <see cref="_maxBlockChars"/>), so a document without blank lines still streams.
/// </summary>
internal sealed class MarkdownChunker
{
    private enum BlockKind { Paragraph, Fence, Heading }

    private readonly ITokenCounter _counter;
    private readonly int _maxTokens;
    /// <summary>A block this long is ended where it is: no sane tokenizer fits 32 chars per token on average.</summary>
    private readonly int _maxBlockChars;
    private readonly string?[] _headings = new string?[6];

    private readonly StringBuilder _block = new();
    private BlockKind _blockKind;
    private long _blockStart;
    private long _blockEnd;
    private char _fenceChar;
    private int _fenceLength;
    private bool _inFence;

    private string? _pending;
    private long _pendingStart;
    private long _pendingEnd;

    public MarkdownChunker(ITokenCounter counter, int maxTokens)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 1);
        _counter = counter;
        _maxTokens = maxTokens;
        _maxBlockChars = (int)Math.Min(int.MaxValue / 2, Math.Max(16 * 1024, (long)maxTokens * 32));
    }

    public void AddLine(long lineNumber, string line, List<TextChunk> output)
    {
        if (_inFence)
        {
            if (_block.Length == 0) StartBlock(BlockKind.Fence, lineNumber, line);
            else AppendToBlock(lineNumber, line);
            if (IsFenceClose(line))
            {
                _inFence = false;
                EndBlock(output);
            }
            else if (_block.Length > _maxBlockChars)
            {
                EndBlock(output); // still inside the fence: the next line starts its continuation
            }
            return;
        }

        if (IsFenceOpen(line, out char fenceChar, out int fenceLength))
        {
            EndBlock(output);
            _fenceChar = fenceChar;
            _fenceLength = fenceLength;
            _inFence = true;
            StartBlock(BlockKind.Fence, lineNumber, line);
            return;
        }

        if (TryParseHeading(line, out int level, out string title))
        {
            EndBlock(output);
            FlushPending(output);
            _headings[level - 1] = title;
            Array.Clear(_headings, level, _headings.Length - level);
            StartBlock(BlockKind.Heading, lineNumber, line);
            EndBlock(output);
            return;
        }

        if (string.IsNullOrWhiteSpace(line))
        {
            EndBlock(output);
            return;
        }

        if (_block.Length == 0) StartBlock(BlockKind.Paragraph, lineNumber, line);
        else AppendToBlock(lineNumber, line);
        if (_block.Length > _maxBlockChars) EndBlock(output);
    }

    public void Complete(List<TextChunk> output)
    {
        EndBlock(output);
        FlushPending(output);
    }

    private string? HeadingPath
    {
        get
        {
            string path = string.Join(" > ", _headings.Where(h => !string.IsNullOrEmpty(h)));
            return path.Length == 0 ? null : path;
        }
    }

    private void StartBlock(BlockKind kind, long lineNumber, string line)
    {
        _blockKind = kind;
        _blockStart = _blockEnd = lineNumber;
        _block.Clear().Append(line);
    }

    private void AppendToBlock(long lineNumber, string line)
    {
        _block.Append('\n').Append(line);
        _blockEnd = lineNumber;
    }

    /// <summary>Merges the finished block into the pending chunk if the result fits, else flushes and starts over with it.</summary>
    private void EndBlock(List<TextChunk> output)
    {
        if (_block.Length == 0) return;
        string block = _block.ToString();
        _block.Clear();

        if (_pending is not null)
        {
            // Lines between the two are blank (or were skipped as unreadable): keep them so text and line range agree.
            string merged = string.Concat(_pending, new string('\n', (int)(_blockStart - _pendingEnd)), block);
            if (_counter.CountTokens(merged) <= _maxTokens)
            {
                _pending = merged;
                _pendingEnd = _blockEnd;
                return;
            }
            FlushPending(output);
        }

        if (_counter.CountTokens(block) <= _maxTokens)
        {
            _pending = block;
            _pendingStart = _blockStart;
            _pendingEnd = _blockEnd;
            return;
        }

        var grain = _blockKind == BlockKind.Paragraph ? OverlongTextSplitter.Grain.Sentences : OverlongTextSplitter.Grain.Lines;
        long[] lineStarts = LineStarts(block);
        foreach ((int start, int end) in OverlongTextSplitter.Split(block, grain, _counter, _maxTokens))
        {
            output.Add(new TextChunk(block[start..end], _blockStart + LineIndexOf(lineStarts, start), _blockStart + LineIndexOf(lineStarts, end - 1), HeadingPath));
        }
    }

    private void FlushPending(List<TextChunk> output)
    {
        if (_pending is null) return;
        output.Add(new TextChunk(_pending, _pendingStart, _pendingEnd, HeadingPath));
        _pending = null;
    }

    private static long[] LineStarts(string block)
    {
        var starts = new List<long> { 0 };
        for (int i = block.IndexOf('\n'); i >= 0; i = block.IndexOf('\n', i + 1)) starts.Add(i + 1);
        return [.. starts];
    }

    private static int LineIndexOf(long[] lineStarts, int offset)
    {
        int index = Array.BinarySearch(lineStarts, (long)offset);
        return index >= 0 ? index : ~index - 1;
    }

    private static bool IsFenceOpen(string line, out char fenceChar, out int length)
    {
        fenceChar = '\0';
        length = 0;
        int indent = CountLeading(line, 0, ' ');
        if (indent > 3 || indent >= line.Length) return false;
        char c = line[indent];
        if (c != '`' && c != '~') return false;
        length = CountLeading(line, indent, c);
        if (length < 3) return false;
        // A backtick fence's info string may not contain backticks (CommonMark); otherwise it is inline code.
        if (c == '`' && line.AsSpan(indent + length).Contains('`')) return false;
        fenceChar = c;
        return true;
    }

    private bool IsFenceClose(string line)
    {
        int indent = CountLeading(line, 0, ' ');
        if (indent > 3) return false;
        int length = CountLeading(line, indent, _fenceChar);
        return length >= _fenceLength && line.AsSpan(indent + length).IsWhiteSpace();
    }

    private static bool TryParseHeading(string line, out int level, out string title)
    {
        title = "";
        int indent = CountLeading(line, 0, ' ');
        level = CountLeading(line, indent, '#');
        if (indent > 3 || level is < 1 or > 6) return false;
        int after = indent + level;
        if (after < line.Length && line[after] != ' ' && line[after] != '\t') return false;
        string rest = line[after..].Trim();
        // A closing sequence of #s is decoration, not part of the title.
        string withoutClosing = rest.TrimEnd('#');
        if (withoutClosing.Length == 0 || char.IsWhiteSpace(withoutClosing[^1])) rest = withoutClosing.TrimEnd();
        title = rest;
        return true;
    }

    private static int CountLeading(string line, int from, char c)
    {
        int i = from;
        while (i < line.Length && line[i] == c) i++;
        return i - from;
    }
}
