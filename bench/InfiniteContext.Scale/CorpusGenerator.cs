using System.Globalization;
using System.Text;
using System.Text.Json;

namespace InfiniteContext.Scale;

/// <summary>
/// Deterministic English-like text: a 50k-word vocabulary of pronounceable pseudo-words drawn with a Zipf
/// law (as word frequencies in natural text are), short sentences, entries of 10-150 words spread over
/// streams with speakers, sessions and increasing times. Written once to JSONL so both systems read
/// the same bytes and generation is not part of what is timed.
/// </summary>
internal sealed class CorpusGenerator
{
    private static readonly string[] Onsets = ["b", "c", "d", "f", "g", "h", "l", "m", "n", "p", "r", "s", "t", "v", "w", "st", "tr", "pl", "gr", "ch", "sh", "th", "br", "cl"];
    private static readonly string[] Vowels = ["a", "e", "i", "o", "u", "ea", "ou", "ai", "oo"];
    private static readonly string[] Codas = ["", "n", "r", "s", "t", "l", "nd", "st", "ng", "m", "ck", "rt"];

    private readonly string[] _vocabulary;
    private readonly double[] _cumulative;
    private Random _random;

    /// <summary>The vocabulary is fixed (its own seed) so corpus and queries share it; <paramref name="seed"/> drives sampling.</summary>
    public CorpusGenerator(int seed, int vocabularySize = 50_000)
    {
        _random = new Random(20_241_125);
        var words = new HashSet<string>(StringComparer.Ordinal);
        // Common short function-like words first: they take the top Zipf ranks.
        foreach (var w in new[] { "the", "and", "to", "of", "a", "in", "is", "it", "you", "that", "was", "for", "on", "are", "with", "as", "i", "his", "they", "be" })
            words.Add(w);
        while (words.Count < vocabularySize)
        {
            int syllables = 1 + _random.Next(3);
            var sb = new StringBuilder();
            for (int s = 0; s < syllables; s++)
                sb.Append(Onsets[_random.Next(Onsets.Length)]).Append(Vowels[_random.Next(Vowels.Length)]).Append(Codas[_random.Next(Codas.Length)]);
            words.Add(sb.ToString());
        }
        _vocabulary = [.. words];
        _cumulative = new double[_vocabulary.Length];
        double total = 0;
        for (int i = 0; i < _vocabulary.Length; i++)
        {
            total += 1.0 / Math.Pow(i + 1, 1.07);
            _cumulative[i] = total;
        }
        for (int i = 0; i < _cumulative.Length; i++) _cumulative[i] /= total;
        _random = new Random(seed);
    }

    public IReadOnlyList<string> Vocabulary => _vocabulary;

    public string Word()
    {
        int i = Array.BinarySearch(_cumulative, _random.NextDouble());
        return _vocabulary[i < 0 ? ~i : i];
    }

    public string Text(int words)
    {
        var sb = new StringBuilder(words * 7);
        int sentence = 0;
        for (int i = 0; i < words; i++)
        {
            string w = Word();
            if (sentence == 0) sb.Append(char.ToUpperInvariant(w[0])).Append(w, 1, w.Length - 1);
            else sb.Append(w);
            sentence++;
            if (sentence > 6 && _random.Next(8) == 0 || i == words - 1)
            {
                sb.Append(". ");
                sentence = 0;
            }
            else sb.Append(' ');
        }
        return sb.ToString().TrimEnd();
    }

    /// <summary>Writes entries until about <paramref name="targetTokens"/> tokens (counted with the real tokenizer).</summary>
    public static (long Entries, long Tokens) WriteJsonl(string path, long targetTokens, int streams, int seed)
    {
        var gen = new CorpusGenerator(seed);
        var tokenizer = InfiniteContext.Text.TiktokenCounter.Get("o200k_base");
        var start = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        long tokens = 0, entries = 0;
        using var file = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        using var json = new Utf8JsonWriter(file.BaseStream);
        var buffer = new MemoryStream();
        while (tokens < targetTokens)
        {
            string text = gen.Text(10 + gen._random.Next(140));
            tokens += tokenizer.CountTokens(text);
            int stream = (int)(entries % streams);
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                w.WriteString("stream", "s" + stream.ToString(CultureInfo.InvariantCulture));
                w.WriteString("id", entries.ToString(CultureInfo.InvariantCulture));
                w.WriteString("session", "d" + (entries / 5000).ToString(CultureInfo.InvariantCulture));
                w.WriteString("time", start.AddMinutes(entries).ToString("o", CultureInfo.InvariantCulture));
                w.WriteString("speaker", entries % 2 == 0 ? "user" : "assistant");
                w.WriteString("text", text);
                w.WriteEndObject();
            }
            file.BaseStream.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
            file.BaseStream.WriteByte((byte)'\n');
            buffer.SetLength(0);
            entries++;
        }
        return (entries, tokens);
    }

    /// <summary>
    /// The same queries, every other one naming a time inside the corpus's span (entries are a minute apart from
    /// 2020-01-01), so the temporal channel runs for half of them.
    /// </summary>
    public static List<(string Query, string? Stream)> WithTimePhrases(List<(string Query, string? Stream)> queries)
    {
        string[] phrases = ["in January 2020", "on 2020-01-15", "last week", "in February 2020", "3 days ago", "on 10 January 2020"];
        return queries.Select((q, i) => i % 2 == 0 ? (q.Query + " " + phrases[i / 2 % phrases.Length], q.Stream) : q).ToList();
    }

    /// <summary>Queries of 2-5 words drawn from the same Zipf law: mostly mid- and low-frequency words, some common ones.</summary>
    public static List<(string Query, string? Stream)> Queries(int count, int streams, int seed)
    {
        var gen = new CorpusGenerator(seed);
        var list = new List<(string, string?)>(count);
        for (int i = 0; i < count; i++)
        {
            int n = 2 + gen._random.Next(4);
            var words = Enumerable.Range(0, n).Select(_ => gen.Word()).ToArray();
            list.Add((string.Join(' ', words), i % 2 == 0 ? "s" + gen._random.Next(streams).ToString(CultureInfo.InvariantCulture) : null));
        }
        return list;
    }
}
