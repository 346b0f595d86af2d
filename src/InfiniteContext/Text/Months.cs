namespace InfiniteContext.Text;

/// <summary>Month names and abbreviations to 1..12, for recognising dates written out in words.</summary>
internal static class Months
{
    private static readonly string[] Names =
        ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

    /// <summary>1..12 for a full name or a common abbreviation ("sep", "sept"); 0 otherwise.</summary>
    public static int Parse(ReadOnlySpan<char> word)
    {
        // Every name and abbreviation is 3-9 chars and starts with one of "adfjmnos": most words leave here.
        if (word.Length is < 3 or > 9 || word[0] is not ('a' or 'd' or 'f' or 'j' or 'm' or 'n' or 'o' or 's')) return 0;
        for (int i = 0; i < Names.Length; i++)
        {
            var name = Names[i].AsSpan();
            if (word.SequenceEqual(name)) return i + 1;
            if (word.Length == 3 && name.StartsWith(word)) return i + 1;
        }
        return word.SequenceEqual("sept") ? 9 : 0;
    }

    public static string Name(int month) => Names[month - 1];

    /// <summary>Full names that are also ordinary words; only inside a date pattern do they count as months.</summary>
    public static bool IsAmbiguous(ReadOnlySpan<char> word) =>
        word.SequenceEqual("may") || word.SequenceEqual("march") || word.SequenceEqual("mar") || word.SequenceEqual("jun")
        || word.SequenceEqual("jan") || word.SequenceEqual("dec") || word.SequenceEqual("sat");
}
