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

/// <summary>
/// A sink that memoizes what the analyzer makes of a plain word (its stem, or nothing for a stop word), which is a
/// pure function of the word's folded chars: <see cref="EnglishAnalyzer"/> asks it first and skips the stop-word
/// check and the stemmer on a hit. The terms a sink receives are the same either way.
/// </summary>
internal interface IWordTermSink : ITermSink
{
    /// <summary>The word is known: its term (if any) was taken as if <see cref="ITermSink.OnTerm"/> had been called.</summary>
    bool TryWord(ReadOnlySpan<char> word);

    /// <summary>An unknown word and its term (empty with <paramref name="isStopWord"/>): take the term and remember both.</summary>
    void OnWord(ReadOnlySpan<char> word, ReadOnlySpan<char> term, bool isStopWord);
}
