using InfiniteContext.Text;

namespace InfiniteContext.Tests.Text;

/// <summary>
/// The per-thread memo in front of the token-count and term tables must answer exactly as a dictionary of strings
/// would, for keys of any length and when keys share a hash.
/// </summary>
public sealed class SpanMemoTests
{
    [Theory]
    [InlineData(1, 31)]
    [InlineData(2, 31)]
    [InlineData(3, 4)] // sixteen hashes: every lookup passes keys with the same hash and must tell them apart by their chars
    public void Answers_as_a_dictionary_does_for_keys_of_every_length(int seed, int hashBits)
    {
        var random = new Random(seed);
        var memo = new SpanMemo(1 << 20, hashBits);
        int steps = hashBits < 8 ? 5_000 : 50_000;
        var expected = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int step = 0; step < steps; step++)
        {
            string key = RandomKey(random);
            bool found = memo.TryGetValue(key, out int value);
            found.ShouldBe(expected.TryGetValue(key, out int want), key);
            if (found) value.ShouldBe(want, key);
            else
            {
                int added = random.Next();
                memo.Add(key, added);
                expected[key] = added;
            }
        }
        memo.Count.ShouldBe(expected.Count);
        foreach (var (key, want) in expected)
        {
            memo.TryGetValue(key, out int value).ShouldBeTrue(key);
            value.ShouldBe(want, key);
        }
    }

    [Fact]
    public void Keys_that_share_a_prefix_or_differ_in_length_are_different_keys()
    {
        var memo = new SpanMemo(1 << 20, hashBits: 0); // one hash for every key
        memo.Add("abcdefgh", 1);
        memo.Add("abcdefghi", 2);
        memo.Add("abcdefghj", 3);
        memo.Add("abc", 4);
        memo.Add("abc\0", 5);
        memo.Add("", 6);
        foreach (var (key, want) in new[] { ("abcdefgh", 1), ("abcdefghi", 2), ("abcdefghj", 3), ("abc", 4), ("abc\0", 5), ("", 6) })
        {
            memo.TryGetValue(key, out int value).ShouldBeTrue(key);
            value.ShouldBe(want);
        }
        memo.TryGetValue("abcdefghk", out _).ShouldBeFalse();
        memo.TryGetValue("ab", out _).ShouldBeFalse();
    }

    [Fact]
    public void Forgets_everything_when_full_and_keeps_answering_correctly()
    {
        var memo = new SpanMemo(maxEntries: 100);
        for (int i = 0; i < 100; i++) memo.Add($"key-number-{i}", i);
        memo.Count.ShouldBe(100);
        memo.Add("one more key past capacity", -1); // clears first
        memo.Count.ShouldBe(1);
        memo.TryGetValue("key-number-5", out _).ShouldBeFalse();
        memo.TryGetValue("one more key past capacity", out int value).ShouldBeTrue();
        value.ShouldBe(-1);
        for (int i = 0; i < 50; i++) memo.Add($"key-number-{i}", i * 2);
        memo.TryGetValue("key-number-49", out value).ShouldBeTrue();
        value.ShouldBe(98);
    }

    // Keys from a small alphabet share prefixes and, in few hash bits, hashes.
    private static string RandomKey(Random random)
    {
        int length = random.Next(4) == 0 ? random.Next(9, 40) : random.Next(0, 9);
        var chars = new char[length];
        for (int i = 0; i < length; i++) chars[i] = random.Next(10) == 0 ? (char)random.Next(0x80, 0x3000) : "abcde "[random.Next(6)];
        return new string(chars);
    }
}
