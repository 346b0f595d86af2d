namespace InfiniteContext.Text;

/// <summary>
/// Turns text into index terms for lexical retrieval: the same analyzer runs at index and query time,
/// so its output must be a pure function of the input text.
/// </summary>
public interface ITextAnalyzer
{
    /// <summary>Calls <paramref name="sink"/> once per term occurrence, in text order.</summary>
    void Analyze(ReadOnlySpan<char> text, ITermSink sink);
}

public interface ITermSink
{
    void OnTerm(ReadOnlySpan<char> term);
}
