using Microsoft.ML.Tokenizers;

namespace InfiniteContext.Text;

/// <summary>OpenAI's BPE encodings (o200k_base by default, cl100k_base selectable), vocabularies shipped in NuGet packages.</summary>
public sealed class TiktokenCounter : ITokenCounter
{
    public const string O200kBase = "o200k_base";
    public const string Cl100kBase = "cl100k_base";

    private static readonly Lazy<TiktokenCounter> O200k = new(() => new TiktokenCounter(O200kBase, TiktokenTokenizer.CreateForEncoding(O200kBase)));
    private static readonly Lazy<TiktokenCounter> Cl100k = new(() => new TiktokenCounter(Cl100kBase, TiktokenTokenizer.CreateForEncoding(Cl100kBase)));

    private readonly Tokenizer _tokenizer;

    private TiktokenCounter(string name, Tokenizer tokenizer)
    {
        Name = name;
        _tokenizer = tokenizer;
    }

    public string Name { get; }

    /// <summary>Shared instance per encoding (the vocabularies are large; the tokenizer is thread-safe).</summary>
    public static TiktokenCounter Get(string encoding) => encoding switch
    {
        O200kBase => O200k.Value,
        Cl100kBase => Cl100k.Value,
        _ => throw new ArgumentException($"Unknown tokenizer '{encoding}'. Known: {O200kBase}, {Cl100kBase}.", nameof(encoding)),
    };

    public int CountTokens(ReadOnlySpan<char> text) => text.IsEmpty ? 0 : _tokenizer.CountTokens(text);

    public int PrefixLengthWithin(string text, int maxTokens)
    {
        if (maxTokens <= 0 || text.Length == 0) return 0;
        int index = _tokenizer.GetIndexByTokenCount(text, maxTokens, out _, out _);
        return Math.Clamp(index, 0, text.Length);
    }
}
