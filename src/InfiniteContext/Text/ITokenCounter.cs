namespace InfiniteContext.Text;

/// <summary>Counts tokens the way the target LLM does; budgets are enforced with it.</summary>
public interface ITokenCounter
{
    string Name { get; }
    int CountTokens(ReadOnlySpan<char> text);
    /// <summary>The longest prefix of <paramref name="text"/> (in chars) that fits in <paramref name="maxTokens"/> tokens.</summary>
    int PrefixLengthWithin(string text, int maxTokens);
}
