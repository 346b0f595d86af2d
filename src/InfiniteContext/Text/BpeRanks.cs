using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.IO.Compression;
using System.Numerics;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;

namespace InfiniteContext.Text;

/// <summary>
/// An OpenAI BPE vocabulary (the merge ranks of o200k_base or cl100k_base) and the count of tokens BPE makes of one
/// pre-tokenization chunk, without producing the tokens. The ranks are read from the same NuGet data package the
/// library reads; the merge loop is tiktoken's (merge the adjacent pair of lowest rank, the leftmost on a tie, until
/// no pair is in the vocabulary), and a chunk that is itself a token counts one. A test compares every count with the
/// library's. Why not the library: its count of one short chunk costs several microseconds and takes a lock shared
/// by all threads (profiled on the 10M corpus: most of the cold chunk cache's time); this costs a few hundred
/// nanoseconds and no lock.
/// </summary>
internal sealed class BpeRanks
{
    /// <summary>Chunks are at most this many bytes here (<see cref="TiktokenCounter"/> counts longer ones with the library).</summary>
    public const int MaxChunkBytes = 64;

    // Lookups dominate the merge loop and the tables are megabytes, so a lookup should touch one cache line:
    // two-byte keys index a flat table, keys of up to 8 bytes sit packed in their hash slot, longer keys are compared
    // against their bytes.
    private readonly int[] _pairs = new int[1 << 16];
    private readonly ShortEntry[] _short;
    private readonly int _shortMask;
    private readonly byte[] _bytes;   // long tokens' bytes, back to back
    private readonly int[] _longSlots; // open addressing over long tokens: 1 + index, 0 = empty
    private readonly int[] _longOffsets; // per long token: start in _bytes; [n] = end
    private readonly int[] _longRanks;
    private readonly int _longMask;

    private struct ShortEntry
    {
        public ulong Key;   // the bytes, little-endian, zero-padded
        public int Length;  // 0 = empty slot
        public int Rank;
    }

    private BpeRanks(List<(byte[] Token, int Rank)> tokens)
    {
        TokenCount = tokens.Count;
        _pairs.AsSpan().Fill(int.MaxValue);
        int shortCount = 0, longCount = 0, longBytes = 0;
        foreach (var (token, _) in tokens)
        {
            if (token.Length <= 8) shortCount++;
            else { longCount++; longBytes += token.Length; }
        }
        int shortSize = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, shortCount * 2));
        _short = new ShortEntry[shortSize];
        _shortMask = shortSize - 1;
        int longSize = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, longCount * 2));
        _longSlots = new int[longSize];
        _longMask = longSize - 1;
        _bytes = new byte[longBytes];
        _longOffsets = new int[longCount + 1];
        _longRanks = new int[longCount];
        int longIndex = 0, offset = 0;
        foreach (var (token, rank) in tokens)
        {
            if (token.Length == 2 && _pairs[token[0] << 8 | token[1]] == int.MaxValue) _pairs[token[0] << 8 | token[1]] = rank;
            if (token.Length <= 8)
            {
                ulong key = Pack(token);
                int slot = ShortSlot(key, token.Length);
                while (_short[slot].Length != 0 && !(_short[slot].Key == key && _short[slot].Length == token.Length)) slot = (slot + 1) & _shortMask;
                if (_short[slot].Length == 0) _short[slot] = new ShortEntry { Key = key, Length = token.Length, Rank = rank }; // a duplicate keeps its first rank
                continue;
            }
            token.CopyTo(_bytes, offset);
            _longOffsets[longIndex] = offset;
            offset += token.Length;
            _longOffsets[longIndex + 1] = offset;
            _longRanks[longIndex] = rank;
            int ls = (int)LongHash(token) & _longMask;
            while (_longSlots[ls] != 0 && !LongKey(_longSlots[ls] - 1).SequenceEqual(token)) ls = (ls + 1) & _longMask;
            if (_longSlots[ls] == 0) _longSlots[ls] = longIndex + 1;
            longIndex++;
        }
    }

    private ReadOnlySpan<byte> LongKey(int index) => _bytes.AsSpan(_longOffsets[index], _longOffsets[index + 1] - _longOffsets[index]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Pack(ReadOnlySpan<byte> key)
    {
        if (key.Length == 8) return BinaryPrimitives.ReadUInt64LittleEndian(key);
        ulong v = 0;
        for (int i = key.Length - 1; i >= 0; i--) v = v << 8 | key[i];
        return v;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int ShortSlot(ulong key, int length) => (int)(((key + (ulong)length) * 0x9E3779B97F4A7C15UL) >> 40) & _shortMask;

    private static uint LongHash(ReadOnlySpan<byte> key)
    {
        uint h = 2166136261;
        foreach (byte b in key) h = (h ^ b) * 16777619;
        h ^= h >> 15;
        h *= 0x2C1B3C6D;
        h ^= h >> 12;
        return h;
    }

    /// <summary>The ranks of an encoding, from the package that ships them (Microsoft.ML.Tokenizers.Data.*).</summary>
    public static BpeRanks Load(string encoding)
    {
        string package = encoding switch
        {
            TiktokenCounter.O200kBase => "O200kBase",
            TiktokenCounter.Cl100kBase => "Cl100kBase",
            _ => throw new ArgumentException($"Unknown encoding '{encoding}'.", nameof(encoding)),
        };
        var assembly = Assembly.Load("Microsoft.ML.Tokenizers.Data." + package);
        using var resource = assembly.GetManifestResourceStream(encoding + ".tiktoken.deflate")
            ?? throw new InvalidDataException($"The package Microsoft.ML.Tokenizers.Data.{package} has no {encoding}.tiktoken.deflate.");
        using var inflated = new DeflateStream(resource, CompressionMode.Decompress);
        return Parse(inflated);
    }

    /// <summary>The tiktoken file format: one token per line, base64 then optionally a space and its rank (else ranks count up from 0); an optional "Capacity: N" first line.</summary>
    internal static BpeRanks Parse(Stream tiktoken)
    {
        using var reader = new StreamReader(tiktoken, Encoding.ASCII);
        var tokens = new List<(byte[] Token, int Rank)>(200_000);
        Span<byte> decoded = stackalloc byte[256];
        int next = 0;
        Span<byte> ascii = stackalloc byte[256];
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            if (line.Length == 0 || line.StartsWith("Capacity:", StringComparison.Ordinal)) continue;
            int space = line.IndexOf(' ', StringComparison.Ordinal);
            var b64 = space < 0 ? line.AsSpan() : line.AsSpan(0, space);
            int rank = space < 0 ? next : int.Parse(line.AsSpan(space + 1), System.Globalization.CultureInfo.InvariantCulture);
            next = rank + 1;
            if (b64.Length > ascii.Length) throw new InvalidDataException($"Overlong token in the vocabulary: '{line}'.");
            int asciiLength = Encoding.ASCII.GetBytes(b64, ascii);
            if (Base64.DecodeFromUtf8(ascii[..asciiLength], decoded, out _, out int written) != OperationStatus.Done || written == 0)
                throw new InvalidDataException($"Bad base64 token in the vocabulary: '{line}'.");
            tokens.Add((decoded[..written].ToArray(), rank));
        }
        return new BpeRanks(tokens);
    }

    /// <summary>The rank of a token, or <see cref="int.MaxValue"/> when the bytes are not one token.</summary>
    public int Rank(ReadOnlySpan<byte> key)
    {
        if (key.Length == 2) return _pairs[key[0] << 8 | key[1]];
        if (key.Length <= 8)
        {
            if (key.Length == 0) return int.MaxValue;
            ulong packed = Pack(key);
            int slot = ShortSlot(packed, key.Length);
            var table = _short;
            while (true)
            {
                ref var e = ref table[slot];
                if (e.Length == 0) return int.MaxValue;
                if (e.Key == packed && e.Length == key.Length) return e.Rank;
                slot = (slot + 1) & _shortMask;
            }
        }
        int ls = (int)LongHash(key) & _longMask;
        while (true)
        {
            int t = _longSlots[ls];
            if (t == 0) return int.MaxValue;
            if (LongKey(t - 1).SequenceEqual(key)) return _longRanks[t - 1];
            ls = (ls + 1) & _longMask;
        }
    }

    /// <summary>How many tokens BPE makes of <paramref name="chunk"/> (one pre-token, at most <see cref="MaxChunkBytes"/> bytes).</summary>
    public int Count(ReadOnlySpan<byte> chunk)
    {
        int n = chunk.Length;
        if (n == 0) return 0;
        if (n == 1 || Rank(chunk) != int.MaxValue) return 1;
        if (n > MaxChunkBytes) throw new ArgumentException($"Chunks of more than {MaxChunkBytes} bytes are not counted here.", nameof(chunk));

        // parts[i] = (start of part i, rank of merging part i with part i+1); parts[count-1] is the end sentinel.
        Span<int> start = stackalloc int[MaxChunkBytes + 1];
        Span<int> rank = stackalloc int[MaxChunkBytes + 1];
        int count = n + 1;
        for (int i = 0; i <= n; i++) start[i] = i;
        for (int i = 0; i < n - 1; i++) rank[i] = Rank(chunk.Slice(i, 2));
        rank[n - 1] = rank[n] = int.MaxValue;

        while (count > 2)
        {
            int best = int.MaxValue, at = -1;
            for (int i = 0; i < count - 2; i++)
            {
                if (rank[i] < best)
                {
                    best = rank[i];
                    at = i;
                }
            }
            if (at < 0) break;
            // Merge parts at and at+1: part at now spans to start[at+2]; recompute its pair rank and its left neighbour's.
            for (int k = at + 1; k < count - 1; k++)
            {
                start[k] = start[k + 1];
                rank[k] = rank[k + 1];
            }
            count--;
            rank[at] = at + 2 < count ? Rank(chunk[start[at]..start[at + 2]]) : int.MaxValue;
            if (at > 0) rank[at - 1] = Rank(chunk[start[at - 1]..start[at + 1]]);
        }
        return count - 1;
    }

    /// <summary>The number of tokens in the vocabulary.</summary>
    public int TokenCount { get; }
}
