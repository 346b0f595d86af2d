using InfiniteContext.Text;

namespace InfiniteContext.Tests.Text;

/// <summary>The analyzer runs at index and query time, so differently written forms of one word must meet in one term.</summary>
public sealed class EnglishAnalyzerTests
{
    private static readonly EnglishAnalyzer Analyzer = new();

    private static IReadOnlyList<string> Terms(string text) => Analyzer.Terms(text);

    [Fact]
    public void Case_is_folded()
    {
        Terms("RUNNING Dogs BARK").ShouldBe(["run", "dog", "bark"]);
        Terms("running dogs bark").ShouldBe(Terms("RUNNING Dogs BARK"));
        Terms("Paris").ShouldBe(["pari"]);
    }

    // The next three tests fail while Directory.Build.props sets InvariantGlobalization=true: in invariant mode
    // string.Normalize(FormKD) returns its input unchanged, so EnglishAnalyzer.Normalize removes nothing.

    [Fact]
    public void Diacritics_are_removed_so_accented_and_plain_spellings_meet()
    {
        Terms("Café").ShouldBe(["cafe"]);
        Terms("Zoë Brontë").ShouldBe(Terms("Zoe Bronte"));
    }

    [Fact]
    public void Precomposed_and_decomposed_accents_give_the_same_terms()
    {
        // é as U+00E9 and as e + combining acute U+0301.
        Terms("Caf\u00E9 na\u00EFve").ShouldBe(Terms("Cafe\u0301 nai\u0308ve"));
    }

    [Fact]
    public void Full_width_letters_and_digits_and_ligatures_fold_to_ascii()
    {
        Terms("ＣＡＦＥ").ShouldBe(["cafe"]);
        Terms("ｈｅｌｌｏ　ｗｏｒｌｄ").ShouldBe(["hello", "world"]);
        Terms("１２３").ShouldBe(["123"]);
        Terms("\uFB01le").ShouldBe(Terms("file"));
    }

    [Fact]
    public void A_typographic_apostrophe_is_a_possessive_like_the_ascii_one()
    {
        Terms("Caroline\u2019s").ShouldBe(Terms("Caroline's"));
        Terms("Caroline's").ShouldBe(["carolin"]);
        Terms("don\u2019t know").ShouldBe(["know"]);
    }

    [Fact]
    public void Inflections_of_one_word_share_a_stem()
    {
        string run = Terms("run").ShouldHaveSingleItem();
        Terms("running").ShouldHaveSingleItem().ShouldBe(run);
        Terms("runs").ShouldHaveSingleItem().ShouldBe(run);
        run.ShouldBe("run");

        Terms("adoption").ShouldHaveSingleItem().ShouldBe(Terms("adopted").ShouldHaveSingleItem());
        Terms("connection connected connecting connections").Distinct().ShouldHaveSingleItem().ShouldBe("connect");
        // Different words keep different stems.
        Terms("running").ShouldNotBe(Terms("ruins"));
    }

    [Fact]
    public void Stop_words_are_dropped()
    {
        Terms("the and of it is was to").ShouldBeEmpty();
        Terms("The cat is on the mat").ShouldBe(["cat", "mat"]);
        // Contractions join before the stop-word check: "don't" -> "dont", a stop word.
        Terms("I don't know").ShouldBe(["know"]);
        // "when" and "where" are stop words; content verbs are not.
        Terms("when where went").ShouldBe(["went"]);
    }

    [Fact]
    public void Decimal_numbers_are_kept_whole()
    {
        Terms("pi is 3.14").ShouldBe(["pi", "3.14"]);
        // A sentence-ending period is not part of the number.
        Terms("It costs 3.5.").ShouldBe(["cost", "3.5"]);
        Terms("3.14").ShouldNotContain("3");
    }

    [Fact]
    public void Thousands_separators_are_dropped()
    {
        Terms("2,000").ShouldBe(["2000"]);
        Terms("1,000,000 people").ShouldBe(["1000000", "peopl"]);
        Terms("2,000").ShouldBe(Terms("2000"));
        // A comma followed by anything but exactly three digits separates numbers.
        Terms("1,0000").ShouldBe(["1", "0000"]);
        Terms("1, 2, 3").ShouldBe(["1", "2", "3"]);
    }

    [Fact]
    public void Ordinals_become_their_number()
    {
        Terms("8th").ShouldBe(["8"]);
        Terms("21st 2nd 3rd").ShouldBe(["21", "2", "3"]);
        Terms("the 8th").ShouldBe(Terms("the 8"));
    }

    [Theory]
    [InlineData("May 8, 2023")]
    [InlineData("8 May 2023")]
    [InlineData("8th of May, 2023")]
    [InlineData("2023-05-08")]
    [InlineData("2023/5/8")]
    [InlineData("on may 8 2023")]
    public void A_date_written_any_common_way_yields_the_iso_day_and_month(string written)
    {
        var terms = Terms(written);
        terms.ShouldContain("2023-05-08");
        terms.ShouldContain("2023-05");
        // Its parts stay searchable on their own.
        terms.ShouldContain("2023");
        terms.ShouldContain("may");
    }

    [Fact]
    public void Dates_emit_their_parts_then_the_canonical_forms()
    {
        Terms("May 8, 2023").ShouldBe(["may", "8", "2023", "2023-05-08", "2023-05"]);
        Terms("2023-05-08").ShouldBe(["2023", "05", "08", "may", "2023-05-08", "2023-05"]);
        Terms("8 May 2023").ShouldBe(["8", "may", "2023", "2023-05-08", "2023-05"]);
    }

    [Fact]
    public void A_month_and_year_yields_the_iso_month_only()
    {
        var terms = Terms("May 2023");
        terms.ShouldBe(["may", "2023", "2023-05"]);
        terms.ShouldNotContain("2023-05-08");
        Terms("September 2021").ShouldBe(Terms("Sept 2021"));
        Terms("September 2021").ShouldContain("2021-09");
    }

    [Fact]
    public void Month_abbreviations_meet_the_full_name()
    {
        Terms("Sept").ShouldBe(["september"]);
        Terms("September").ShouldBe(["september"]);
        Terms("Oct").ShouldBe(Terms("October"));
    }

    [Fact]
    public void Month_names_that_are_ordinary_words_only_count_inside_a_date()
    {
        // "may" the verb is a stop word, not a month.
        Terms("you may go").ShouldBe(["go"]);
        Terms("march on").ShouldBe(["march"]);
        Terms("may").ShouldBeEmpty();
    }

    [Fact]
    public void Impossible_dates_are_not_canonicalized()
    {
        Terms("2023-13-40").ShouldNotContain(t => t.StartsWith("2023-", StringComparison.Ordinal));
        Terms("40 May 2023").ShouldNotContain("2023-05-40");
        Terms("40 May 2023").ShouldNotContain(t => t.Length == 10 && t.StartsWith("2023-05-", StringComparison.Ordinal));
    }

    [Fact]
    public void Very_long_tokens_are_kept_whole()
    {
        string longWord = new string('x', 57) + "walking"; // 64 chars: still stemmed
        string longer = new string('x', 58) + "walking";   // 65 chars: kept as is
        Terms(longWord).ShouldBe([new string('x', 57) + "walk"]);
        Terms(longer).ShouldBe([longer]);
    }

    [Fact]
    public void Punctuation_and_symbols_separate_tokens_and_are_not_terms()
    {
        Terms("hello, world! (again) -- ok?").ShouldBe(["hello", "world"]);
        Terms("!!! ... --- 🙂").ShouldBeEmpty();
        Terms("").ShouldBeEmpty();
    }

    [Fact]
    public void The_sink_sees_exactly_the_terms_in_text_order()
    {
        const string text = "Caroline went to the LGBTQ support group on May 7, 2023 and felt accepted.";
        var sink = new RecordingSink();
        Analyzer.Analyze(text, sink);
        sink.Terms.ShouldBe(Terms(text));
        sink.Terms.ShouldBe(["carolin", "went", "lgbtq", "support", "group", "may", "7", "2023", "2023-05-07", "2023-05", "felt", "accept"]);
        // Pure: the same text gives the same terms again.
        Terms(text).ShouldBe(sink.Terms);
    }

    private sealed class RecordingSink : ITermSink
    {
        public List<string> Terms { get; } = [];
        public void OnTerm(ReadOnlySpan<char> term) => Terms.Add(term.ToString());
    }
}
