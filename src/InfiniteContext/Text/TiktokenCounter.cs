using System.Text;
using Microsoft.ML.Tokenizers;

namespace InfiniteContext.Text;

/// <summary>OpenAI's BPE encodings (o200k_base by default, cl100k_base selectable), vocabularies shipped in NuGet packages.</summary>
public sealed class TiktokenCounter : ITokenCounter
{
    public const string O200kBase = "o200k_base";
    public const string Cl100kBase = "cl100k_base";

    private static readonly Lazy<TiktokenCounter> O200k = new(() => new TiktokenCounter(O200kBase, TiktokenTokenizer.CreateForEncoding(O200kBase), AsciiPreTokenizer.Pattern.O200k));
    private static readonly Lazy<TiktokenCounter> Cl100k = new(() => new TiktokenCounter(Cl100kBase, TiktokenTokenizer.CreateForEncoding(Cl100kBase), AsciiPreTokenizer.Pattern.Cl100k));

    /// <summary>Chunks longer than this are rare (long numbers are cut at 3 digits, words are short): counted directly, not cached.</summary>
    private const int MaxCachedChunk = 48;

    private readonly Tokenizer _tokenizer;
    private readonly AsciiPreTokenizer.Pattern _pattern;
    private readonly Lazy<BpeRanks> _ranks;
    private readonly ChunkCountCache _cache;

    private TiktokenCounter(string name, Tokenizer tokenizer, AsciiPreTokenizer.Pattern pattern)
    {
        Name = name;
        _tokenizer = tokenizer;
        _pattern = pattern;
        _ranks = new Lazy<BpeRanks>(() => BpeRanks.Load(name));
        _cache = new ChunkCountCache(_ranks);
    }

    public string Name { get; }

    /// <summary>Shared instance per encoding (the vocabularies are large; the tokenizer is thread-safe).</summary>
    public static TiktokenCounter Get(string encoding) => encoding switch
    {
        O200kBase => O200k.Value,
        Cl100kBase => Cl100k.Value,
        _ => throw new ArgumentException($"Unknown tokenizer '{encoding}'. Known: {O200kBase}, {Cl100kBase}.", nameof(encoding)),
    };

    /// <summary>
    /// Exact count. ASCII text is cut into the encoding's pre-tokenization chunks here and each chunk's count
    /// comes from a shared cache (BPE never merges across chunks, so the sum is exact); other text goes to
    /// the library whole. This takes token counting off the top of the ingest profile.
    /// </summary>
    public int CountTokens(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty) return 0;
        if (!Ascii.IsValid(text)) return _tokenizer.CountTokens(text);
        int total = 0;
        var local = _cache.Local;
        for (int i = 0; i < text.Length;)
        {
            int end = AsciiPreTokenizer.NextChunkEnd(text, i, _pattern);
            var chunk = text[i..end];
            total += chunk.Length > MaxCachedChunk ? _tokenizer.CountTokens(chunk, considerPreTokenization: false) : _cache.GetOrAdd(chunk, local);
            i = end;
        }
        return total;
    }

    /// <summary>The count of one ASCII pre-tokenization chunk by our own BPE (tests compare it with the library's).</summary>
    internal int CountChunk(ReadOnlySpan<byte> chunk) => _ranks.Value.Count(chunk);

    /// <summary>The library's count of one pre-tokenization chunk (no pre-tokenization, no cache).</summary>
    internal int CountChunkByLibrary(ReadOnlySpan<char> chunk) => _tokenizer.CountTokens(chunk, considerPreTokenization: false);

    /// <summary>The library's count for the given text, bypassing the chunk cache (tests compare the two).</summary>
    internal int CountTokensUncached(ReadOnlySpan<char> text) => text.IsEmpty ? 0 : _tokenizer.CountTokens(text);

    public int PrefixLengthWithin(string text, int maxTokens)
    {
        if (maxTokens <= 0 || text.Length == 0) return 0;
        int index = _tokenizer.GetIndexByTokenCount(text, maxTokens, out _, out _);
        return Math.Clamp(index, 0, text.Length);
    }
}
