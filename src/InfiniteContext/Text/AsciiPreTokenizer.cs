namespace InfiniteContext.Text;

/// <summary>
/// The pre-tokenization step of OpenAI's BPE encodings, hand-written for ASCII text. BPE never merges across
/// the chunks the encoding's regex cuts, so a text's token count is the sum of its chunks' counts, and a
/// chunk's count can be cached: natural text repeats its words, so after warm-up almost every chunk is a
/// dictionary hit and the regex and BPE never run. The scanner reproduces the regexes' leftmost-alternative,
/// greedy-with-backtracking semantics exactly for ASCII (the property test compares it with the library on
/// random and real text); text with any non-ASCII char goes to the library whole.
/// </summary>
internal static class AsciiPreTokenizer
{
    /// <summary>The two encodings' regexes, alternative by alternative.</summary>
    /// <remarks>
    /// o200k_base: <c>[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?
    /// | [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?
    /// | \p{N}{1,3} | ?[^\s\p{L}\p{N}]+[\r\n/]* | \s*[\r\n]+ | \s+(?!\S) | \s+</c>.
    /// cl100k_base: <c>(?i:'s|'t|'re|'ve|'m|'ll|'d) | [^\r\n\p{L}\p{N}]?\p{L}+ | \p{N}{1,3} | ?[^\s\p{L}\p{N}]+[\r\n]*
    /// | \s*[\r\n]+ | \s+(?!\S) | \s+</c>.
    /// </remarks>
    public enum Pattern { O200k, Cl100k }

    /// <summary>The end (exclusive) of the chunk that starts at <paramref name="i"/>; the text must be ASCII.</summary>
    public static int NextChunkEnd(ReadOnlySpan<char> s, int i, Pattern pattern) =>
        pattern == Pattern.O200k ? NextO200k(s, i) : NextCl100k(s, i);

    private static int NextO200k(ReadOnlySpan<char> s, int i)
    {
        char c = s[i];
        // Alternatives 1 and 2 share their optional prefix: a letter can never be the prefix, so exactly one of
        // "with prefix" (c is neither letter, digit nor line break) and "without" (c is a letter) applies.
        int start = IsLetter(c) ? i : (IsPrefix(c) && i + 1 < s.Length && IsLetter(s[i + 1]) ? i + 1 : -1);
        if (start >= 0)
        {
            int upper = start;
            while (upper < s.Length && IsUpper(s[upper])) upper++;
            int lower = upper;
            while (lower < s.Length && IsLower(s[lower])) lower++;
            // Alternative 1 needs at least one lower-case letter after the capitals; alternative 2 needs at
            // least one capital. One of them holds because s[start] is a letter.
            return lower + Contraction(s, lower);
        }
        if (IsDigit(c)) return Digits(s, i);
        if (Punctuation(s, i, afterRun: static ch => ch is '\r' or '\n' or '/') is > 0 and var end) return end;
        return Whitespace(s, i);
    }

    private static int NextCl100k(ReadOnlySpan<char> s, int i)
    {
        char c = s[i];
        if (c == '\'' && Contraction(s, i) is > 0 and var length) return i + length;
        int start = IsLetter(c) ? i : (IsPrefix(c) && i + 1 < s.Length && IsLetter(s[i + 1]) ? i + 1 : -1);
        if (start >= 0)
        {
            int end = start;
            while (end < s.Length && IsLetter(s[end])) end++;
            return end;
        }
        if (IsDigit(c)) return Digits(s, i);
        if (Punctuation(s, i, afterRun: static ch => ch is '\r' or '\n') is > 0 and var end2) return end2;
        return Whitespace(s, i);
    }

    /// <summary><c>(?i:'s|'t|'re|'ve|'m|'ll|'d)</c> at <paramref name="at"/>: its length, or 0.</summary>
    private static int Contraction(ReadOnlySpan<char> s, int at)
    {
        if (at + 1 >= s.Length || s[at] != '\'') return 0;
        char a = (char)(s[at + 1] | 0x20);
        if (a is 's' or 't' or 'm' or 'd' && IsLetter(s[at + 1])) return 2;
        if (at + 2 >= s.Length) return 0;
        char b = (char)(s[at + 2] | 0x20);
        if (!IsLetter(s[at + 1]) || !IsLetter(s[at + 2])) return 0;
        return (a, b) is ('r', 'e') or ('v', 'e') or ('l', 'l') ? 3 : 0;
    }

    private static int Digits(ReadOnlySpan<char> s, int i)
    {
        int end = i + 1;
        while (end < s.Length && end < i + 3 && IsDigit(s[end])) end++;
        return end;
    }

    /// <summary><c> ?[^\s\p{L}\p{N}]+</c> followed by a run of <paramref name="afterRun"/> chars: its end, or 0.</summary>
    private static int Punctuation(ReadOnlySpan<char> s, int i, Func<char, bool> afterRun)
    {
        int k = s[i] == ' ' ? i + 1 : i;
        int end = k;
        while (end < s.Length && IsSymbol(s[end])) end++;
        if (end == k) return 0;
        while (end < s.Length && afterRun(s[end])) end++;
        return end;
    }

    /// <summary><c>\s*[\r\n]+ | \s+(?!\S) | \s+</c> at a whitespace char.</summary>
    private static int Whitespace(ReadOnlySpan<char> s, int i)
    {
        int run = i;
        int lastBreak = -1;
        while (run < s.Length && IsSpace(s[run]))
        {
            if (s[run] is '\r' or '\n') lastBreak = run;
            run++;
        }
        if (lastBreak >= 0) return lastBreak + 1; // \s* backtracks to the last line break of the run
        if (run == s.Length || run - i == 1) return run; // \s+(?!\S) at the end, or a lone \s+
        return run - 1; // \s+(?!\S): the run minus the space that joins the next word
    }

    private static bool IsUpper(char c) => (uint)(c - 'A') <= 'Z' - 'A';
    private static bool IsLower(char c) => (uint)(c - 'a') <= 'z' - 'a';
    private static bool IsLetter(char c) => (uint)((c | 0x20) - 'a') <= 'z' - 'a';
    private static bool IsDigit(char c) => (uint)(c - '0') <= 9;
    private static bool IsSpace(char c) => c is ' ' or '\t' or '\n' or '\v' or '\f' or '\r';
    private static bool IsSymbol(char c) => !IsSpace(c) && !IsLetter(c) && !IsDigit(c);
    private static bool IsPrefix(char c) => c is not ('\r' or '\n') && !IsLetter(c) && !IsDigit(c);
}
