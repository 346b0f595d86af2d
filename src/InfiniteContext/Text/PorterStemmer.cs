namespace InfiniteContext.Text;

/// <summary>
/// The Porter (1980) suffix-stripping stemmer for English, on a char buffer in place: lowercase ASCII
/// letters only (the analyzer folds case and diacritics first). "running" and "runs" meet at "run",
/// "adoption" and "adopted" at "adopt"; the stems are not words, only stable keys.
/// </summary>
internal static class PorterStemmer
{
    /// <summary>Stems <paramref name="w"/>[0..length) in place and returns the new length.</summary>
    public static int Stem(Span<char> w, int length)
    {
        if (length <= 2) return length;
        for (int i = 0; i < length; i++)
            if (w[i] is < 'a' or > 'z') return length; // not a plain English word: leave it alone
        var s = new State(w, length);
        s.Step1ab();
        if (s.K > 0)
        {
            s.Step1c();
            s.Step2();
            s.Step3();
            s.Step4();
            s.Step5();
        }
        return s.K + 1;
    }

    private ref struct State
    {
        private readonly Span<char> _b;
        public int K;  // index of the last char of the current word
        private int _j; // end of the stem before a matched suffix

        public State(Span<char> b, int length)
        {
            _b = b;
            K = length - 1;
            _j = 0;
        }

        private readonly bool IsConsonant(int i) => _b[i] switch
        {
            'a' or 'e' or 'i' or 'o' or 'u' => false,
            'y' => i == 0 || !IsConsonant(i - 1),
            _ => true,
        };

        /// <summary>m(): the number of vowel-consonant sequences in b[0.._j].</summary>
        private readonly int Measure()
        {
            int n = 0, i = 0;
            while (true)
            {
                if (i > _j) return n;
                if (!IsConsonant(i)) break;
                i++;
            }
            i++;
            while (true)
            {
                while (true)
                {
                    if (i > _j) return n;
                    if (IsConsonant(i)) break;
                    i++;
                }
                i++;
                n++;
                while (true)
                {
                    if (i > _j) return n;
                    if (!IsConsonant(i)) break;
                    i++;
                }
                i++;
            }
        }

        private readonly bool VowelInStem()
        {
            for (int i = 0; i <= _j; i++)
                if (!IsConsonant(i)) return true;
            return false;
        }

        private readonly bool DoubleConsonant(int i) => i >= 1 && _b[i] == _b[i - 1] && IsConsonant(i);

        /// <summary>cvc(i): consonant-vowel-consonant ending at i, the last not w, x or y ("hop" -> "hope" rules).</summary>
        private readonly bool Cvc(int i)
        {
            if (i < 2 || !IsConsonant(i) || IsConsonant(i - 1) || !IsConsonant(i - 2)) return false;
            return _b[i] is not ('w' or 'x' or 'y');
        }

        private bool EndsWith(string suffix)
        {
            int len = suffix.Length;
            if (len > K + 1) return false;
            if (!_b.Slice(K - len + 1, len).SequenceEqual(suffix)) return false;
            _j = K - len;
            return true;
        }

        private void SetTo(string s)
        {
            int len = s.Length;
            s.AsSpan().CopyTo(_b.Slice(_j + 1, len));
            K = _j + len;
        }

        private void ReplaceIfMeasure(string s)
        {
            if (Measure() > 0) SetTo(s);
        }

        public void Step1ab()
        {
            if (_b[K] == 's')
            {
                if (EndsWith("sses")) K -= 2;
                else if (EndsWith("ies")) SetTo("i");
                else if (_b[K - 1] != 's') K--;
            }
            if (EndsWith("eed"))
            {
                if (Measure() > 0) K--;
            }
            else if ((EndsWith("ed") || EndsWith("ing")) && VowelInStem())
            {
                K = _j;
                if (EndsWith("at")) SetTo("ate");
                else if (EndsWith("bl")) SetTo("ble");
                else if (EndsWith("iz")) SetTo("ize");
                else if (DoubleConsonant(K))
                {
                    K--;
                    if (_b[K] is 'l' or 's' or 'z') K++;
                }
                else if (Measure() == 1 && Cvc(K))
                {
                    SetTo("e");
                }
            }
        }

        public void Step1c()
        {
            if (EndsWith("y") && VowelInStem()) _b[K] = 'i';
        }

        public void Step2()
        {
            if (K < 1) return;
            switch (_b[K - 1])
            {
                case 'a':
                    if (EndsWith("ational")) { ReplaceIfMeasure("ate"); break; }
                    if (EndsWith("tional")) { ReplaceIfMeasure("tion"); break; }
                    break;
                case 'c':
                    if (EndsWith("enci")) { ReplaceIfMeasure("ence"); break; }
                    if (EndsWith("anci")) { ReplaceIfMeasure("ance"); break; }
                    break;
                case 'e':
                    if (EndsWith("izer")) { ReplaceIfMeasure("ize"); break; }
                    break;
                case 'l':
                    if (EndsWith("bli")) { ReplaceIfMeasure("ble"); break; }
                    if (EndsWith("alli")) { ReplaceIfMeasure("al"); break; }
                    if (EndsWith("entli")) { ReplaceIfMeasure("ent"); break; }
                    if (EndsWith("eli")) { ReplaceIfMeasure("e"); break; }
                    if (EndsWith("ousli")) { ReplaceIfMeasure("ous"); break; }
                    break;
                case 'o':
                    if (EndsWith("ization")) { ReplaceIfMeasure("ize"); break; }
                    if (EndsWith("ation")) { ReplaceIfMeasure("ate"); break; }
                    if (EndsWith("ator")) { ReplaceIfMeasure("ate"); break; }
                    break;
                case 's':
                    if (EndsWith("alism")) { ReplaceIfMeasure("al"); break; }
                    if (EndsWith("iveness")) { ReplaceIfMeasure("ive"); break; }
                    if (EndsWith("fulness")) { ReplaceIfMeasure("ful"); break; }
                    if (EndsWith("ousness")) { ReplaceIfMeasure("ous"); break; }
                    break;
                case 't':
                    if (EndsWith("aliti")) { ReplaceIfMeasure("al"); break; }
                    if (EndsWith("iviti")) { ReplaceIfMeasure("ive"); break; }
                    if (EndsWith("biliti")) { ReplaceIfMeasure("ble"); break; }
                    break;
                case 'g':
                    if (EndsWith("logi")) { ReplaceIfMeasure("log"); break; }
                    break;
            }
        }

        public void Step3()
        {
            switch (_b[K])
            {
                case 'e':
                    if (EndsWith("icate")) { ReplaceIfMeasure("ic"); break; }
                    if (EndsWith("ative")) { ReplaceIfMeasure(""); break; }
                    if (EndsWith("alize")) { ReplaceIfMeasure("al"); break; }
                    break;
                case 'i':
                    if (EndsWith("iciti")) { ReplaceIfMeasure("ic"); break; }
                    break;
                case 'l':
                    if (EndsWith("ical")) { ReplaceIfMeasure("ic"); break; }
                    if (EndsWith("ful")) { ReplaceIfMeasure(""); break; }
                    break;
                case 's':
                    if (EndsWith("ness")) { ReplaceIfMeasure(""); break; }
                    break;
            }
        }

        public void Step4()
        {
            if (K < 1) return;
            bool matched = _b[K - 1] switch
            {
                'a' => EndsWith("al"),
                'c' => EndsWith("ance") || EndsWith("ence"),
                'e' => EndsWith("er"),
                'i' => EndsWith("ic"),
                'l' => EndsWith("able") || EndsWith("ible"),
                'n' => EndsWith("ant") || EndsWith("ement") || EndsWith("ment") || EndsWith("ent"),
                'o' => (EndsWith("ion") && _j >= 0 && _b[_j] is 's' or 't') || EndsWith("ou"),
                's' => EndsWith("ism"),
                't' => EndsWith("ate") || EndsWith("iti"),
                'u' => EndsWith("ous"),
                'v' => EndsWith("ive"),
                'z' => EndsWith("ize"),
                _ => false,
            };
            if (matched && Measure() > 1) K = _j;
        }

        public void Step5()
        {
            _j = K;
            if (_b[K] == 'e')
            {
                _j = K - 1;
                int m = Measure();
                if (m > 1 || (m == 1 && !Cvc(K - 1))) K--;
            }
            if (_b[K] == 'l' && DoubleConsonant(K))
            {
                _j = K - 1;
                if (Measure() > 1) K--;
            }
        }
    }
}
