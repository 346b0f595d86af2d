using System.Text.RegularExpressions;
using InfiniteContext.Text;

namespace InfiniteContext.Ingest;

/// <summary>
/// Cuts a text that exceeds a token limit into pieces that each fit, preferring the coarsest boundary that works:
/// sentences (prose) or lines (code), then words, then a hard cut at the largest prefix that fits. Pieces are exact
/// substrings of the input (given as offsets) without leading or trailing whitespace.
/// </summary>
internal static partial class OverlongTextSplitter
{
    /// <summary>The first boundary tried: prose splits between sentences, code between lines.</summary>
    public enum Grain { Sentences, Lines }

    [GeneratedRegex(@"[^\s].*?(?:[.!?…][""'”’)\]]*(?=\s)|$)", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex Sentence();

    [GeneratedRegex(@"[^\n]*[^\s][^\n]*", RegexOptions.CultureInvariant)]
    private static partial Regex NonBlankLine();

    [GeneratedRegex(@"\S+", RegexOptions.CultureInvariant)]
    private static partial Regex Word();

    public static List<(int Start, int End)> Split(string text, Grain grain, ITokenCounter counter, int maxTokens)
    {
        var pieces = new List<(int Start, int End)>();
        Regex first = grain == Grain.Sentences ? Sentence() : NonBlankLine();
        Pack(text, Units(first, text, 0, text.Length), level: 0, counter, maxTokens, pieces);
        return pieces;
    }

    private static List<(int Start, int End)> Units(Regex unit, string text, int start, int end)
    {
        var units = new List<(int, int)>();
        for (Match m = unit.Match(text, start, end - start); m.Success; m = m.NextMatch())
        {
            int s = m.Index, e = m.Index + m.Length;
            while (e > s && char.IsWhiteSpace(text[e - 1])) e--;
            if (e > s) units.Add((s, e));
        }
        return units;
    }

    /// <summary>
    /// Greedy packing: consecutive units are joined while the sum of their token counts (each counted with its leading
    /// separator) fits; the joined piece is then counted for real and shrunk if token merges made it larger.
    /// </summary>
    private static void Pack(string text, List<(int Start, int End)> units, int level, ITokenCounter counter, int maxTokens, List<(int, int)> pieces)
    {
        int i = 0;
        while (i < units.Count)
        {
            (int start, int end) = units[i];
            int sum = counter.CountTokens(text.AsSpan(start, end - start));
            if (sum > maxTokens)
            {
                if (level == 0) Pack(text, Units(Word(), text, start, end), 1, counter, maxTokens, pieces);
                else HardCut(text, start, end, counter, maxTokens, pieces);
                i++;
                continue;
            }
            int j = i;
            while (j + 1 < units.Count)
            {
                int next = counter.CountTokens(text.AsSpan(units[j].End, units[j + 1].End - units[j].End));
                if (sum + next > maxTokens) break;
                sum += next;
                j++;
            }
            while (j > i && counter.CountTokens(text.AsSpan(start, units[j].End - start)) > maxTokens) j--;
            pieces.Add((start, units[j].End));
            i = j + 1;
        }
    }

    /// <summary>A single word over the limit (a URL, a base64 blob): cut at the longest prefix that fits.</summary>
    private static void HardCut(string text, int start, int end, ITokenCounter counter, int maxTokens, List<(int, int)> pieces)
    {
        while (start < end)
        {
            // A bounded window keeps this linear for huge words; a cut inside it is still a valid (if shorter) piece.
            string rest = text.Substring(start, Math.Min(end - start, (maxTokens * 32) + 64));
            int length = counter.PrefixLengthWithin(rest, maxTokens);
            // Always make progress (a limit below one character's tokens cannot be met), and never split a surrogate pair.
            if (length <= 0) length = 1;
            if (length < rest.Length && char.IsHighSurrogate(rest[length - 1])) length = length > 1 ? length - 1 : 2;
            pieces.Add((start, start + length));
            start += length;
        }
    }
}
