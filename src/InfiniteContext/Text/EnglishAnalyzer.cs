using System.Buffers;
using System.Globalization;
using System.Text;

namespace InfiniteContext.Text;

/// <summary>
/// The lexical analyzer for English text: Unicode compatibility normalization with diacritics removed,
/// case folding, letter/digit tokens ("Caroline's" -> "caroline", "don't" -> "dont"), stop words dropped,
/// Porter stems, numbers normalized ("1,000" -> "1000", "3.5" kept, "8th" -> "8"), and dates: a date
/// written any common way ("2023-05-08", "8 May 2023", "May 8, 2023") also yields "2023-05-08" and
/// "2023-05", and "May 2023" yields "2023-05", so differently written dates meet in the index.
/// Pure and thread-safe; no allocation per token for ASCII input.
/// </summary>
public sealed class EnglishAnalyzer : ITextAnalyzer
{
    private enum Kind : byte { Word, Number }

    private struct Token
    {
        public int Start;     // offset into the normalized char buffer
        public int Length;
        public Kind Kind;
        public char After;    // the first non-blank char after the token (' ' if only blanks or end)
        public bool Touching; // nothing (not even a blank) between this token and the separator after it
    }

    public void Analyze(ReadOnlySpan<char> text, ITermSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        if (text.IsEmpty) return;
        string? normalized = null;
        if (!Ascii.IsValid(text))
        {
            normalized = Normalize(text);
            text = normalized;
        }

        char[] chars = ArrayPool<char>.Shared.Rent(text.Length + 16);
        Token[] tokens = ArrayPool<Token>.Shared.Rent(Math.Max(16, text.Length / 2 + 1));
        try
        {
            int count = Tokenize(text, chars, tokens);
            Emit(chars, tokens, count, sink, sink as IWordTermSink);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
            ArrayPool<Token>.Shared.Return(tokens);
        }
    }

    /// <summary>Compatibility decomposition, then combining marks removed: "Café" -> "Cafe", "ﬁ" -> "fi", full-width digits -> ASCII.</summary>
    private static string Normalize(ReadOnlySpan<char> text)
    {
        string decomposed = text.ToString().Normalize(NormalizationForm.FormKD);
        var sb = new StringBuilder(decomposed.Length);
        foreach (char c in decomposed)
        {
            var cat = CharUnicodeInfo.GetUnicodeCategory(c);
            if (cat is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark) continue;
            sb.Append(c switch { '\u2019' or '\u2018' or '\u02BC' => '\'', _ => c });
        }
        return sb.ToString();
    }

    private static bool IsTokenChar(char c) => char.IsLetterOrDigit(c);

    private static int Tokenize(ReadOnlySpan<char> text, char[] chars, Token[] tokens)
    {
        int n = 0, w = 0, i = 0;
        while (i < text.Length)
        {
            if (!IsTokenChar(text[i])) { i++; continue; }
            int start = w;
            bool allDigits = true;
            while (i < text.Length)
            {
                char c = text[i];
                if (IsTokenChar(c))
                {
                    if (!char.IsAsciiDigit(c)) allDigits = false;
                    chars[w++] = char.ToLowerInvariant(c);
                    i++;
                    continue;
                }
                // "1,000": a comma followed by exactly three digits continues a number.
                if (c == ',' && allDigits && i + 3 < text.Length + 1 && HasDigits(text, i + 1, 3) && !(i + 4 < text.Length && char.IsAsciiDigit(text[i + 4])))
                {
                    i++;
                    continue;
                }
                // "3.5": a decimal point between digits continues a number.
                if (c == '.' && allDigits && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]) && w > start)
                {
                    chars[w++] = '.';
                    i++;
                    continue;
                }
                // Apostrophes inside words: possessive "'s" is dropped, contractions join ("don't" -> "dont").
                if (c is '\'' && !allDigits && i + 1 < text.Length && char.IsLetter(text[i + 1]))
                {
                    if ((text[i + 1] is 's' or 'S') && (i + 2 >= text.Length || !IsTokenChar(text[i + 2])))
                    {
                        i += 2;
                        break;
                    }
                    i++;
                    continue;
                }
                break;
            }
            int len = w - start;
            var kind = allDigits ? Kind.Number : Kind.Word;
            // Ordinals: "8th", "21st" -> "8", "21".
            if (!allDigits && len >= 3 && len <= 6 && IsOrdinal(chars.AsSpan(start, len), out int digits))
            {
                len = digits;
                w = start + len;
                kind = Kind.Number;
            }
            if (kind == Kind.Number && chars[start + len - 1] == '.') len--;

            // The separator after the token, for date patterns ("2023-05-08", "May 8, 2023").
            int j = i;
            bool touching = j < text.Length && !char.IsWhiteSpace(text[j]);
            while (j < text.Length && char.IsWhiteSpace(text[j])) j++;
            char after = j < text.Length && !IsTokenChar(text[j]) ? text[j] : ' ';

            tokens[n++] = new Token { Start = start, Length = len, Kind = kind, After = after, Touching = touching };
        }
        return n;
    }

    private static bool HasDigits(ReadOnlySpan<char> text, int from, int count)
    {
        if (from + count > text.Length) return false;
        for (int k = from; k < from + count; k++)
            if (!char.IsAsciiDigit(text[k])) return false;
        return true;
    }

    private static bool IsOrdinal(ReadOnlySpan<char> t, out int digits)
    {
        digits = 0;
        while (digits < t.Length && char.IsAsciiDigit(t[digits])) digits++;
        if (digits == 0 || t.Length - digits != 2) return false;
        var suffix = t[digits..];
        return suffix.SequenceEqual("st") || suffix.SequenceEqual("nd") || suffix.SequenceEqual("rd") || suffix.SequenceEqual("th");
    }

    private static void Emit(char[] chars, Token[] tokens, int tokenCount, ITermSink sink, IWordTermSink? words)
    {
        Span<char> stem = stackalloc char[64];
        Span<char> date = stackalloc char[10];
        for (int t = 0; t < tokenCount; t++)
        {
            var tok = tokens[t];
            var span = chars.AsSpan(tok.Start, tok.Length);
            if (tok.Length == 0) continue;

            int consumed = TryDate(chars, tokens, tokenCount, t, date, sink);
            if (consumed > 0)
            {
                t += consumed - 1;
                continue;
            }

            if (tok.Kind == Kind.Number)
            {
                sink.OnTerm(span);
                continue;
            }
            if (words is not null)
            {
                if (words.TryWord(span)) continue;
                if (StopWords.Contains(span)) words.OnWord(span, default, isStopWord: true);
                else words.OnWord(span, StemOf(span, stem), isStopWord: false);
                continue;
            }
            if (StopWords.Contains(span)) continue;
            if (span.Length <= stem.Length)
            {
                span.CopyTo(stem);
                int len = PorterStemmer.Stem(stem, span.Length);
                sink.OnTerm(stem[..len]);
            }
            else
            {
                sink.OnTerm(span); // very long tokens (hashes, URLs run together) are kept whole
            }
        }
    }

    /// <summary>The term of a plain word that is not a stop word: its Porter stem, or the word whole when it is too long to stem.</summary>
    private static ReadOnlySpan<char> StemOf(ReadOnlySpan<char> word, Span<char> buffer)
    {
        if (word.Length > buffer.Length) return word;
        word.CopyTo(buffer);
        return buffer[..PorterStemmer.Stem(buffer, word.Length)];
    }

    /// <summary>
    /// Recognises a date starting at token <paramref name="t"/>; emits its parts and canonical terms and
    /// returns how many tokens it used, or 0 when no date starts here.
    /// </summary>
    private static int TryDate(char[] chars, Token[] tokens, int tokenCount, int t, Span<char> buffer, ITermSink sink)
    {
        ReadOnlySpan<char> S(int k) => chars.AsSpan(tokens[k].Start, tokens[k].Length);
        bool Has(int k) => k < tokenCount;
        int Num(int k, int maxDigits) => Has(k) && tokens[k].Kind == Kind.Number && tokens[k].Length <= maxDigits && !S(k).Contains('.')
            ? int.Parse(S(k), NumberStyles.None, CultureInfo.InvariantCulture) : -1;
        int Month(int k) => Has(k) && tokens[k].Kind == Kind.Word ? Months.Parse(S(k)) : 0;
        static bool IsYear(int y) => y is >= 1000 and <= 2999;

        // ISO and numeric: 2023-05-08, 2023/5/8
        int y0 = Num(t, 4);
        if (tokens[t].Length == 4 && IsYear(y0) && tokens[t].Touching && tokens[t].After is '-' or '/')
        {
            int m = Num(t + 1, 2), d = Num(t + 2, 2);
            if (m is >= 1 and <= 12 && d is >= 1 and <= 31 && tokens[t + 1].Touching && tokens[t + 1].After == tokens[t].After)
            {
                EmitDate(y0, m, d, buffer, sink, chars, tokens, t, 3, monthAt: -1);
                return 3;
            }
        }

        // Day Month [of] [Year]: "8 May 2023", "8th of May, 2023"
        int day = Num(t, 2);
        if (day is >= 1 and <= 31)
        {
            int k = t + 1;
            if (Has(k) && S(k).SequenceEqual("of")) k++;
            int month = Month(k);
            if (month > 0)
            {
                int year = Num(k + 1, 4);
                if (IsYear(year))
                {
                    EmitDate(year, month, day, buffer, sink, chars, tokens, t, k + 2 - t, monthAt: k);
                    return k + 2 - t;
                }
                if (!Months.IsAmbiguous(S(k)) || tokens[t].Kind == Kind.Number)
                {
                    sink.OnTerm(S(t));
                    sink.OnTerm(Months.Name(month));
                    return k + 1 - t;
                }
            }
        }

        // Month Day[,] [Year] / Month Year: "May 8, 2023", "May 2023"
        int mo = Month(t);
        if (mo > 0)
        {
            int d = Num(t + 1, 2);
            if (d is >= 1 and <= 31)
            {
                int year = Num(t + 2, 4);
                if (IsYear(year))
                {
                    EmitDate(year, mo, d, buffer, sink, chars, tokens, t, 3, monthAt: t);
                    return 3;
                }
                if (!Months.IsAmbiguous(S(t)))
                {
                    sink.OnTerm(Months.Name(mo));
                    sink.OnTerm(S(t + 1));
                    return 2;
                }
                return 0;
            }
            int y = Num(t + 1, 4);
            if (tokenCount > t + 1 && tokens[t + 1].Length == 4 && IsYear(y))
            {
                sink.OnTerm(Months.Name(mo));
                sink.OnTerm(S(t + 1));
                Format(buffer, y, mo, 0, out int len);
                sink.OnTerm(buffer[..len]);
                return 2;
            }
            if (!Months.IsAmbiguous(S(t)))
            {
                sink.OnTerm(Months.Name(mo)); // "Sept" and "September" meet
                return 1;
            }
        }
        return 0;
    }

    private static void EmitDate(int year, int month, int day, Span<char> buffer, ITermSink sink, char[] chars, Token[] tokens, int first, int count, int monthAt)
    {
        // The parts as ordinary terms (so "2023" and "may" still match alone), then the canonical forms.
        for (int k = first; k < first + count; k++)
        {
            var s = chars.AsSpan(tokens[k].Start, tokens[k].Length);
            if (k == monthAt) sink.OnTerm(Months.Name(month));
            else if (tokens[k].Kind == Kind.Number) sink.OnTerm(s);
        }
        if (monthAt < 0) sink.OnTerm(Months.Name(month));
        Format(buffer, year, month, day, out int len);
        sink.OnTerm(buffer[..len]);
        sink.OnTerm(buffer[..7]);
    }

    private static void Format(Span<char> buffer, int year, int month, int day, out int length)
    {
        year.TryFormat(buffer, out _, "D4", CultureInfo.InvariantCulture);
        buffer[4] = '-';
        month.TryFormat(buffer[5..], out _, "D2", CultureInfo.InvariantCulture);
        length = 7;
        if (day > 0)
        {
            buffer[7] = '-';
            day.TryFormat(buffer[8..], out _, "D2", CultureInfo.InvariantCulture);
            length = 10;
        }
    }

    /// <summary>The terms of <paramref name="text"/> as strings (tests, diagnostics; the index uses the sink).</summary>
    public IReadOnlyList<string> Terms(string text)
    {
        var sink = new ListSink();
        Analyze(text, sink);
        return sink.Terms;
    }

    private sealed class ListSink : ITermSink
    {
        public List<string> Terms { get; } = [];
        public void OnTerm(ReadOnlySpan<char> term) => Terms.Add(term.ToString());
    }
}
