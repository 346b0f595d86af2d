using System.Globalization;
using System.Text;

namespace InfiniteContext.Evaluation;

/// <summary>
/// Writes an endless, seeded stream of English-looking paragraphs (a small phrase grammar over
/// <see cref="ProseLexicon"/>): characters, places, objects and times, dialogue, the odd year or sum.
/// It is the filler a needle hides in, so it has to look like text to a retriever: real words, a skewed
/// word distribution, repeated names, function words. The same seed gives the same paragraphs, and a
/// longer haystack starts with the shorter one's text. Nothing is held but the random state.
/// </summary>
public sealed class HaystackGenerator
{
    private readonly Random _random;
    private readonly StringBuilder _paragraph = new(1024);
    private readonly StringBuilder _sentence = new(256);

    public HaystackGenerator(int seed) => _random = new Random(seed);

    /// <summary>Every word the generator can write, lower-cased (needle names are checked against it).</summary>
    public static IReadOnlySet<string> Vocabulary { get; } = BuildVocabulary();

    /// <summary>One paragraph of 5-14 sentences (about 60-200 o200k tokens, 125 on average).</summary>
    public string NextParagraph()
    {
        _paragraph.Clear();
        int sentences = 5 + _random.Next(10);
        for (int i = 0; i < sentences; i++)
        {
            if (i > 0) _paragraph.Append(' ');
            _paragraph.Append(NextSentence());
        }
        return _paragraph.ToString();
    }

    /// <summary>Paragraphs without end; the caller decides how many tokens it needs.</summary>
    public IEnumerable<string> Paragraphs()
    {
        while (true) yield return NextParagraph();
    }

    private string NextSentence()
    {
        _sentence.Clear();
        int form = _random.Next(10);
        switch (form)
        {
            case 0:
            case 1:
                _sentence.Append(Pick(ProseLexicon.TimePhrases)).Append(", ");
                Clause();
                break;
            case 2:
                _sentence.Append("In ").Append((1790 + _random.Next(160)).ToString(CultureInfo.InvariantCulture)).Append(", ");
                Clause();
                break;
            case 3:
            case 4:
                Clause();
                _sentence.Append(' ').Append(Pick(ProseLexicon.Conjunctions)).Append(' ');
                Clause();
                break;
            case 5:
                _sentence.Append('"');
                Clause();
                _sentence.Append(",\" ").Append(Pick(ProseLexicon.Names)).Append(' ').Append(Pick(ProseLexicon.SpeechVerbs));
                break;
            default:
                Clause();
                break;
        }
        int first = _sentence[0] == '"' ? 1 : 0;
        _sentence[first] = char.ToUpperInvariant(_sentence[first]);
        _sentence.Append('.');
        return _sentence.ToString();
    }

    private void Clause()
    {
        Subject();
        _sentence.Append(' ');
        if (_random.Next(3) > 0)
        {
            _sentence.Append(Zipf(ProseLexicon.TransitiveVerbs)).Append(' ');
            NounPhrase(allowName: true);
            if (_random.Next(8) == 0)
                _sentence.Append(" for ").Append((2 + _random.Next(98)).ToString(CultureInfo.InvariantCulture)).Append(_random.Next(2) == 0 ? " shillings" : " pence");
        }
        else
        {
            _sentence.Append(Zipf(ProseLexicon.IntransitiveVerbs));
        }
        if (_random.Next(2) == 0) PrepositionalPhrase();
        if (_random.Next(4) == 0) _sentence.Append(' ').Append(Zipf(ProseLexicon.Adverbs));
    }

    private void Subject()
    {
        switch (_random.Next(5))
        {
            case 0:
            case 1:
                _sentence.Append(Zipf(ProseLexicon.Names));
                break;
            case 2:
                _sentence.Append(Pick(["her", "his", "their", "our"])).Append(' ').Append(Zipf(ProseLexicon.Nouns));
                break;
            default:
                NounPhrase(allowName: false);
                break;
        }
    }

    private void NounPhrase(bool allowName)
    {
        int kind = _random.Next(allowName ? 7 : 6);
        if (kind == 6)
        {
            _sentence.Append(Zipf(ProseLexicon.Names));
            return;
        }
        string noun = Zipf(ProseLexicon.Nouns);
        string? adjective = kind >= 3 ? Zipf(ProseLexicon.Adjectives) : null;
        bool indefinite = kind % 2 == 1;
        string first = adjective ?? noun;
        _sentence.Append(indefinite ? (StartsWithVowel(first) ? "an " : "a ") : "the ");
        if (adjective is not null) _sentence.Append(adjective).Append(' ');
        _sentence.Append(noun);
        if (kind == 5) _sentence.Append(" of the ").Append(Zipf(ProseLexicon.Nouns));
    }

    private void PrepositionalPhrase()
    {
        if (_random.Next(4) == 0)
        {
            _sentence.Append(_random.Next(2) == 0 ? " in " : " at ").Append(Zipf(ProseLexicon.Places));
            return;
        }
        _sentence.Append(' ').Append(Pick(ProseLexicon.Prepositions)).Append(' ');
        NounPhrase(allowName: false);
    }

    private static bool StartsWithVowel(string word) => "aeiou".Contains(word[0], StringComparison.Ordinal);

    private T Pick<T>(T[] items) => items[_random.Next(items.Length)];

    /// <summary>Skewed towards the front of the list (lists are ordered common first): about a power law.</summary>
    private string Zipf(string[] items)
    {
        double u = _random.NextDouble();
        return items[(int)(items.Length * u * u * u)];
    }

    private static HashSet<string> BuildVocabulary()
    {
        var words = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var list in new[] { ProseLexicon.Nouns, ProseLexicon.Adjectives, ProseLexicon.TransitiveVerbs, ProseLexicon.IntransitiveVerbs,
                     ProseLexicon.Adverbs, ProseLexicon.Prepositions, ProseLexicon.Names, ProseLexicon.Places, ProseLexicon.TimePhrases,
                     ProseLexicon.Conjunctions, ProseLexicon.SpeechVerbs })
            foreach (var phrase in list)
                foreach (var w in phrase.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    words.Add(w);
        return words;
    }
}
