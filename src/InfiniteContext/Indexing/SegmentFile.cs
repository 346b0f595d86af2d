using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace InfiniteContext.Indexing;

/// <summary>
/// An immutable segment on disk, loaded whole into one byte array and read in place (no per-term objects),
/// so opening costs one sequential read and a checksum.
///
/// Layout (little-endian, sections 8-byte aligned):
///   header  magic "ICLX" u32, version u32, docCount i32, termCount i32, symbolCount i32, blockCount i32, postingBytes i64
///   docs    seq i64[n], time i64[n], stream i32[n], length i32[n], speaker i32[n], session i32[n], role u8[n]
///   symbols offsets i32[s+1], UTF-8 bytes
///   terms   offsets i32[t+1], UTF-8 bytes (ascending byte order), posting offsets i64[t+1], df i32[t],
///           max tf i32[t], min length/tf f32[t], first skip block i32[t+1]
///   skips   per block of 128 postings: last doc i32, end byte offset in the list i32, max tf i32, min length/tf f32
///   postings per term: (varint doc-delta-minus-one, varint tf)*
/// Version 2 added the max tf, min length and skip sections (pruned search needs them); a version-1 segment is
/// refused like a damaged one, and the store rebuilds the index from the log.
///   footer  checksum u64 of everything before it, magic u32, reserved u32
/// </summary>
internal sealed class SegmentFile : IDocSource
{
    public const uint Magic = 0x584C4349; // "ICLX"
    public const uint Version = 2;
    private const int HeaderSize = 32;
    private const int FooterSize = 16;

    private readonly byte[] _data;
    private readonly int _docCount, _termCount, _symbolCount, _blockCount;
    private readonly int _seqOff, _timeOff, _streamOff, _lengthOff, _speakerOff, _sessionOff, _roleOff;
    private readonly int _symOffOff, _symBytesOff, _termOffOff, _termBytesOff, _postOffOff, _dfOff, _postingsOff;
    private readonly int _maxTfOff, _minLengthPerTfOff, _skipStartOff, _skipsOff;
    private readonly string[] _symbols;
    private bool[]? _deleted;

    public string Name { get; }
    public long FileBytes => _data.Length;

    private SegmentFile(string name, byte[] data)
    {
        Name = name;
        _data = data;
        var h = data.AsSpan();
        _docCount = BinaryPrimitives.ReadInt32LittleEndian(h[8..]);
        _termCount = BinaryPrimitives.ReadInt32LittleEndian(h[12..]);
        _symbolCount = BinaryPrimitives.ReadInt32LittleEndian(h[16..]);
        _blockCount = BinaryPrimitives.ReadInt32LittleEndian(h[20..]);
        long postingBytes = BinaryPrimitives.ReadInt64LittleEndian(h[24..]);
        int n = _docCount;
        int off = HeaderSize;
        _seqOff = off; off += 8 * n;
        _timeOff = off; off += 8 * n;
        _streamOff = off; off += 4 * n;
        _lengthOff = off; off += 4 * n;
        _speakerOff = off; off += 4 * n;
        _sessionOff = off; off += 4 * n;
        _roleOff = off; off = Align(off + n);
        _symOffOff = off; off += 4 * (_symbolCount + 1);
        _symBytesOff = off; off = Align(off + I32(_symOffOff + 4 * _symbolCount));
        _termOffOff = off; off += 4 * (_termCount + 1);
        _termBytesOff = off; off = Align(off + I32(_termOffOff + 4 * _termCount));
        _postOffOff = off = Align(off); off += 8 * (_termCount + 1);
        _dfOff = off; off = Align(off + 4 * _termCount);
        _maxTfOff = off; off = Align(off + 4 * _termCount);
        _minLengthPerTfOff = off; off = Align(off + 4 * _termCount);
        _skipStartOff = off; off = Align(off + 4 * (_termCount + 1));
        _skipsOff = off; off = Align(checked(off + SkipBlocks.EntryBytes * _blockCount));
        _postingsOff = off; off = Align(checked((int)(off + postingBytes)));
        if (off + FooterSize != data.Length)
            throw new InvalidDataException($"Segment '{name}' has inconsistent section sizes ({off + FooterSize} expected, {data.Length} on disk).");
        long postings = 0;
        for (int t = 0; t < _termCount; t++) postings += I32(_dfOff + 4 * t);
        PostingCount = postings;
        _symbols = new string[_symbolCount];
        for (int i = 0; i < _symbolCount; i++)
        {
            int a = I32(_symOffOff + 4 * i), b = I32(_symOffOff + 4 * (i + 1));
            _symbols[i] = Encoding.UTF8.GetString(_data, _symBytesOff + a, b - a);
        }
        Summary = SourceSummary.Of(this);
    }

    internal static int Align(int offset) => (offset + 7) & ~7;

    private int I32(int at) => BinaryPrimitives.ReadInt32LittleEndian(_data.AsSpan(at));

    public static SegmentFile Load(string path)
    {
        string name = Path.GetFileName(path);
        byte[] data = File.ReadAllBytes(path);
        if (data.Length < HeaderSize + FooterSize)
            throw new InvalidDataException($"Segment '{name}' is truncated ({data.Length} bytes).");
        var span = data.AsSpan();
        if (BinaryPrimitives.ReadUInt32LittleEndian(span) != Magic || BinaryPrimitives.ReadUInt32LittleEndian(span[^8..]) != Magic)
            throw new InvalidDataException($"Segment '{name}' is not an index segment or is truncated.");
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(span[4..]);
        if (version != Version) throw new InvalidDataException($"Segment '{name}' is format {version}; this build reads {Version}.");
        ulong stored = BinaryPrimitives.ReadUInt64LittleEndian(span[^FooterSize..]);
        if (ContentHash.Compute(span[..^FooterSize]) != stored)
            throw new InvalidDataException($"Segment '{name}' fails its checksum (torn or corrupted).");
        return new SegmentFile(name, data);
    }

    public int DocCount => _docCount;
    public int DeletedCount { get; private set; }
    public long TermCount => _termCount;
    public long PostingCount { get; }
    public int SymbolCount => _symbolCount;
    public long MinSeq => _docCount == 0 ? 0 : Seq(0);
    public long MaxSeq => _docCount == 0 ? 0 : Seq(_docCount - 1);

    public ReadOnlySpan<long> SeqSpan => MemoryMarshal.Cast<byte, long>(_data.AsSpan(_seqOff, 8 * _docCount));
    public ReadOnlySpan<int> StreamSpan => MemoryMarshal.Cast<byte, int>(_data.AsSpan(_streamOff, 4 * _docCount));
    public ReadOnlySpan<int> LengthSpan => MemoryMarshal.Cast<byte, int>(_data.AsSpan(_lengthOff, 4 * _docCount));

    public long Seq(int doc) => BinaryPrimitives.ReadInt64LittleEndian(_data.AsSpan(_seqOff + 8 * doc));
    public long Time(int doc) => BinaryPrimitives.ReadInt64LittleEndian(_data.AsSpan(_timeOff + 8 * doc));
    public int StreamId(int doc) => I32(_streamOff + 4 * doc);
    public int Length(int doc) => I32(_lengthOff + 4 * doc);
    public int SpeakerSymbol(int doc) => I32(_speakerOff + 4 * doc);
    public int SessionSymbol(int doc) => I32(_sessionOff + 4 * doc);
    public EntryRole Role(int doc) => (EntryRole)_data[_roleOff + doc];
    public string Symbol(int id) => _symbols[id];
    public bool IsDeleted(int doc) => _deleted is not null && _deleted[doc];

    public bool MarkDeleted(int doc)
    {
        _deleted ??= new bool[_docCount];
        if (_deleted[doc]) return false;
        _deleted[doc] = true;
        DeletedCount++;
        return true;
    }

    private ReadOnlySpan<byte> TermBytes(int t)
    {
        int a = I32(_termOffOff + 4 * t), b = I32(_termOffOff + 4 * (t + 1));
        return _data.AsSpan(_termBytesOff + a, b - a);
    }

    private long PostingOffset(int t) => BinaryPrimitives.ReadInt64LittleEndian(_data.AsSpan(_postOffOff + 8 * t));

    public int DocFrequency(int t) => I32(_dfOff + 4 * t);

    public SourceSummary Summary { get; }

    public bool TryGetPostings(ReadOnlySpan<char> term, out PostingsCursor cursor)
    {
        Span<byte> key = stackalloc byte[256];
        int max = Encoding.UTF8.GetMaxByteCount(term.Length);
        byte[]? rented = max > key.Length ? new byte[max] : null;
        if (rented is not null) key = rented;
        int len = Encoding.UTF8.GetBytes(term, key);
        int t = Find(key[..len]);
        if (t < 0)
        {
            cursor = default;
            return false;
        }
        cursor = Cursor(t);
        return true;
    }

    private PostingsCursor Cursor(int t) =>
        new(_data, _postingsOff + (int)PostingOffset(t), _postingsOff + (int)PostingOffset(t + 1), DocFrequency(t),
            _skipsOff + SkipBlocks.EntryBytes * I32(_skipStartOff + 4 * t), I32(_maxTfOff + 4 * t), BinaryPrimitives.ReadSingleLittleEndian(_data.AsSpan(_minLengthPerTfOff + 4 * t)));

    private int Find(ReadOnlySpan<byte> key)
    {
        int lo = 0, hi = _termCount - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            int c = TermBytes(mid).SequenceCompareTo(key);
            if (c == 0) return mid;
            if (c < 0) lo = mid + 1;
            else hi = mid - 1;
        }
        return -1;
    }

    public IEnumerable<(string Term, PostingsCursor Postings)> AllTerms()
    {
        for (int t = 0; t < _termCount; t++)
            yield return (Encoding.UTF8.GetString(TermBytes(t)), Cursor(t));
    }
}
