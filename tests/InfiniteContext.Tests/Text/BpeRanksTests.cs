using System.Text;
using InfiniteContext.Text;

namespace InfiniteContext.Tests.Text;

/// <summary>
/// Cache misses of the token counter run our own BPE merge loop over the encoding's ranks; a count is exact only if
/// it equals the library's for every chunk, so these compare the two chunk by chunk.
/// </summary>
public sealed class BpeRanksTests
{
    public static TheoryData<string> Encodings => new() { TiktokenCounter.O200kBase, TiktokenCounter.Cl100kBase };

    private static readonly string[] Onsets = ["b", "c", "d", "f", "g", "h", "l", "m", "n", "p", "r", "s", "t", "v", "w", "st", "tr", "pl", "gr", "ch", "sh", "th", "qu", "x", "z", "k", "j", "y"];
    private static readonly string[] Vowels = ["a", "e", "i", "o", "u", "ea", "ou", "ai", "oo", "y", "ie"];
    private static readonly string[] Codas = ["", "n", "r", "s", "t", "l", "nd", "st", "ng", "m", "ck", "rt", "tion", "ing", "ed", "ly", "ment"];

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Every_chunk_of_random_ascii_text_counts_as_the_library_counts_it(string encoding)
    {
        var counter = TiktokenCounter.Get(encoding);
        var pattern = encoding == TiktokenCounter.O200kBase ? AsciiPreTokenizer.Pattern.O200k : AsciiPreTokenizer.Pattern.Cl100k;
        var random = new Random(20261202);
        var text = new StringBuilder();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int n = 0; n < 4_000; n++)
        {
            text.Clear();
            for (int w = random.Next(1, 30); w > 0; w--)
            {
                switch (random.Next(10))
                {
                    case 0: for (int c = random.Next(1, 8); c > 0; c--) text.Append((char)random.Next(32, 127)); break;
                    case 1: text.Append(random.Next(0, 100_000)); break;
                    case 2: text.Append(random.Next(2) == 0 ? ". " : ", "); break;
                    default:
                        var word = new StringBuilder();
                        for (int s = random.Next(1, 5); s > 0; s--)
                            word.Append(Onsets[random.Next(Onsets.Length)]).Append(Vowels[random.Next(Vowels.Length)]).Append(Codas[random.Next(Codas.Length)]);
                        if (random.Next(5) == 0) word[0] = char.ToUpperInvariant(word[0]);
                        if (random.Next(20) == 0) word.Append("'s");
                        text.Append(word);
                        break;
                }
                text.Append(random.Next(12) == 0 ? "  " : " ");
            }
            string s2 = text.ToString();
            for (int i = 0; i < s2.Length;)
            {
                int end = AsciiPreTokenizer.NextChunkEnd(s2, i, pattern);
                string chunk = s2[i..end];
                i = end;
                if (chunk.Length > BpeRanks.MaxChunkBytes || !seen.Add(chunk)) continue;
                counter.CountChunk(Encoding.ASCII.GetBytes(chunk)).ShouldBe(counter.CountChunkByLibrary(chunk), $"chunk '{chunk}'");
            }
        }
        seen.Count.ShouldBeGreaterThan(10_000);
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Arbitrary_byte_strings_count_as_the_library_counts_them(string encoding)
    {
        // Not what the pre-tokenizer cuts, but the merge loop must not depend on that: any ASCII string is one "chunk".
        var counter = TiktokenCounter.Get(encoding);
        var random = new Random(7);
        var buffer = new char[BpeRanks.MaxChunkBytes];
        for (int n = 0; n < 20_000; n++)
        {
            int length = random.Next(1, BpeRanks.MaxChunkBytes + 1);
            for (int i = 0; i < length; i++) buffer[i] = (char)(random.Next(3) == 0 ? random.Next(0, 128) : "etaoinshrdlucmfwypvbgk "[random.Next(23)]);
            string s = new(buffer, 0, length);
            counter.CountChunk(Encoding.ASCII.GetBytes(s)).ShouldBe(counter.CountChunkByLibrary(s), $"string '{s}'");
        }
    }

    [Fact]
    public void The_vocabulary_file_may_give_ranks_or_imply_them()
    {
        // "Capacity" header, implied ranks, then explicit ones: a (rank 0), b (1), ab (5), abc (2).
        string file = "Capacity: 4\nYQ==\nYg==\nYWI= 5\nYWJj 2\n";
        var ranks = BpeRanks.Parse(new MemoryStream(Encoding.ASCII.GetBytes(file)));
        ranks.TokenCount.ShouldBe(4);
        ranks.Rank("a"u8).ShouldBe(0);
        ranks.Rank("ab"u8).ShouldBe(5);
        ranks.Rank("abc"u8).ShouldBe(2);
        ranks.Rank("c"u8).ShouldBe(int.MaxValue);
        ranks.Count("abc"u8).ShouldBe(1); // a whole token counts one
        ranks.Count("abab"u8).ShouldBe(2);
    }
}
