using InfiniteContext.Text;

namespace InfiniteContext.Tests.Text;

/// <summary>Known input/output pairs of the Porter (1980) algorithm, run through all five steps.</summary>
public sealed class PorterStemmerTests
{
    private static string Stem(string word)
    {
        var buffer = new char[word.Length + 8];
        word.CopyTo(buffer);
        int length = PorterStemmer.Stem(buffer, word.Length);
        return new string(buffer, 0, length);
    }

    [Theory]
    // Step 1a: plurals.
    [InlineData("caresses", "caress")]
    [InlineData("ponies", "poni")]
    [InlineData("ties", "ti")]
    [InlineData("caress", "caress")]
    [InlineData("cats", "cat")]
    // Step 1b: -eed, -ed, -ing and their repairs.
    [InlineData("feed", "feed")]
    [InlineData("agreed", "agre")]
    [InlineData("plastered", "plaster")]
    [InlineData("bled", "bled")]
    [InlineData("motoring", "motor")]
    [InlineData("sing", "sing")]
    [InlineData("conflated", "conflat")]
    [InlineData("troubled", "troubl")]
    [InlineData("sized", "size")]
    [InlineData("hopping", "hop")]
    [InlineData("tanned", "tan")]
    [InlineData("falling", "fall")]
    [InlineData("hissing", "hiss")]
    [InlineData("fizzed", "fizz")]
    [InlineData("failing", "fail")]
    [InlineData("filing", "file")]
    // Step 1c: y -> i after a vowel in the stem.
    [InlineData("happy", "happi")]
    [InlineData("sky", "sky")]
    // Step 2: double suffixes.
    [InlineData("relational", "relat")]
    [InlineData("conditional", "condit")]
    [InlineData("rational", "ration")]
    [InlineData("valenci", "valenc")]
    [InlineData("digitizer", "digit")]
    [InlineData("conformabli", "conform")]
    [InlineData("radicalli", "radic")]
    [InlineData("differentli", "differ")]
    [InlineData("vileli", "vile")]
    [InlineData("analogousli", "analog")]
    [InlineData("vietnamization", "vietnam")]
    [InlineData("predication", "predic")]
    [InlineData("operator", "oper")]
    [InlineData("feudalism", "feudal")]
    [InlineData("decisiveness", "decis")]
    [InlineData("hopefulness", "hope")]
    [InlineData("callousness", "callous")]
    [InlineData("formaliti", "formal")]
    [InlineData("sensitiviti", "sensit")]
    [InlineData("sensibiliti", "sensibl")]
    // Step 3.
    [InlineData("triplicate", "triplic")]
    [InlineData("formative", "form")]
    [InlineData("formalize", "formal")]
    [InlineData("electriciti", "electr")]
    [InlineData("electrical", "electr")]
    [InlineData("hopeful", "hope")]
    [InlineData("goodness", "good")]
    // Step 4: single suffixes when m > 1.
    [InlineData("revival", "reviv")]
    [InlineData("allowance", "allow")]
    [InlineData("inference", "infer")]
    [InlineData("airliner", "airlin")]
    [InlineData("gyroscopic", "gyroscop")]
    [InlineData("adjustable", "adjust")]
    [InlineData("defensible", "defens")]
    [InlineData("irritant", "irrit")]
    [InlineData("replacement", "replac")]
    [InlineData("adjustment", "adjust")]
    [InlineData("dependent", "depend")]
    [InlineData("adoption", "adopt")]
    [InlineData("homologou", "homolog")]
    [InlineData("communism", "commun")]
    [InlineData("activate", "activ")]
    [InlineData("angulariti", "angular")]
    [InlineData("homologous", "homolog")]
    [InlineData("effective", "effect")]
    [InlineData("bowdlerize", "bowdler")]
    // Step 5: final e and ll.
    [InlineData("probate", "probat")]
    [InlineData("rate", "rate")]
    [InlineData("cease", "ceas")]
    [InlineData("controlling", "control")]
    [InlineData("roll", "roll")]
    // Several steps in a row.
    [InlineData("generalizations", "gener")]
    [InlineData("oscillators", "oscil")]
    [InlineData("running", "run")]
    [InlineData("runs", "run")]
    [InlineData("run", "run")]
    public void Known_pairs(string word, string stem) => Stem(word).ShouldBe(stem);

    [Theory]
    [InlineData("is")]
    [InlineData("as")]
    [InlineData("a")]
    public void Words_of_two_letters_or_fewer_are_left_alone(string word) => Stem(word).ShouldBe(word);

    [Theory]
    [InlineData("covid19ing")]
    [InlineData("naïveness")]
    [InlineData("Running")]
    public void Words_with_anything_but_lowercase_ascii_letters_are_left_alone(string word) => Stem(word).ShouldBe(word);

    [Fact]
    public void Only_the_given_length_is_read_and_the_buffer_beyond_it_is_untouched()
    {
        var buffer = "runningXYZ".ToCharArray();
        int length = PorterStemmer.Stem(buffer, 7);
        new string(buffer, 0, length).ShouldBe("run");
        new string(buffer, 7, 3).ShouldBe("XYZ");
    }
}
