using System.Text;
using InfiniteContext.Text;

namespace InfiniteContext.Tests.Text;

/// <summary>
/// The counter cuts ASCII text into the encoding's pre-tokenization chunks itself and caches each chunk's count.
/// Budgets are exact only if that equals the library's own count for every text, so these compare the two.
/// </summary>
public sealed class TiktokenCounterTests
{
    // Fragments chosen to hit every alternative of both regexes and the seams between them: case changes,
    // contractions in every case, digit runs longer than 3, punctuation runs with slashes and line breaks,
    // runs of mixed whitespace before words and at the end, control characters.
    private static readonly string[] Fragments =
    [
        "hello", "Hello", "HELLO", "hELLo", "McDonald", "iPhone", "a", "I", "x",
        "'s", "'S", "'t", "'re", "'RE", "'Ve", "'m", "'ll", "'LL", "'d", "'D", "'", "''", "'x", "'r", "'l",
        "0", "7", "42", "123", "2024", "1234567", "3.14", "1,000",
        " ", "  ", "   ", "\t", " \t ", "\n", "\r\n", "\n\n", " \n ", "\r", "\v", "\f", "\n \n",
        ".", ",", "!", "?", "...", "--", "/", "//", "/\n", "://", "(", ")", "[x]", "{", "}", "\"", "#", "@", "$", "%", "&", "*",
        "_", "-", "+", "=", "<", ">", "|", "\\", "^", "`", "~", ";", ":", "\u0001", "\u001f", "\u007f",
    ];

    public static TheoryData<string> Encodings => new() { TiktokenCounter.O200kBase, TiktokenCounter.Cl100kBase };

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Random_ascii_text_counts_exactly_as_the_library_does(string encoding)
    {
        var counter = TiktokenCounter.Get(encoding);
        var random = new Random(20261125);
        var text = new StringBuilder();
        for (int n = 0; n < 20_000; n++)
        {
            text.Clear();
            int parts = random.Next(1, 12);
            for (int p = 0; p < parts; p++)
            {
                if (random.Next(8) == 0)
                    for (int c = random.Next(1, 6); c > 0; c--) text.Append((char)random.Next(0, 128));
                else
                    text.Append(Fragments[random.Next(Fragments.Length)]);
            }
            string s = text.ToString();
            counter.CountTokens(s).ShouldBe(counter.CountTokensUncached(s), $"text: {Escape(s)}");
        }
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Real_text_and_code_count_exactly_as_the_library_does(string encoding)
    {
        var counter = TiktokenCounter.Get(encoding);
        string fixture = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "locomo-sample.json"));
        string code = File.ReadAllText(ThisSourceFile()); // C# source: symbols, indentation, line breaks
        foreach (string document in new[] { fixture, code })
        {
            counter.CountTokens(document).ShouldBe(counter.CountTokensUncached(document));
            foreach (string line in document.Split('\n'))
                counter.CountTokens(line).ShouldBe(counter.CountTokensUncached(line), $"line: {Escape(line)}");
        }
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Non_ascii_text_goes_to_the_library_and_counts_exactly(string encoding)
    {
        var counter = TiktokenCounter.Get(encoding);
        foreach (string s in new[] { "Café au lait", "Zoë's naïve résumé", "東京に行きました", "emoji 🎉 party", "ＣＡＦＥ", "a\u00A0b", "x\u0085y" })
            counter.CountTokens(s).ShouldBe(counter.CountTokensUncached(s));
    }

    [Fact]
    public void A_cached_chunk_gives_the_same_count_on_every_call()
    {
        var counter = TiktokenCounter.Get(TiktokenCounter.O200kBase);
        const string s = "The quick brown fox's jumps, 12345 times; the quick brown fox's jumps.";
        int first = counter.CountTokens(s);
        for (int i = 0; i < 3; i++) counter.CountTokens(s).ShouldBe(first);
        first.ShouldBe(counter.CountTokensUncached(s));
    }

    private static string ThisSourceFile([System.Runtime.CompilerServices.CallerFilePath] string path = "") => path;

    private static string Escape(string s)
    {
        var b = new StringBuilder();
        foreach (char c in s) b.Append(c is >= ' ' and < '\u007f' ? c.ToString() : $"\\u{(int)c:x4}");
        return b.ToString();
    }
}
