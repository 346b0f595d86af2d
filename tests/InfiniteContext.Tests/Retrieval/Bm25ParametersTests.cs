using InfiniteContext.Retrieval;

namespace InfiniteContext.Tests.Retrieval;

/// <summary>
/// BM25's parameters are retrieval options (<see cref="RetrievalOptions.Bm25K1"/>, <see cref="RetrievalOptions.Bm25B"/>)
/// that reach the lexical index the store opens: the same entries ranked with full length normalization put a short
/// reply that repeats the query word once first, and without it the statement that says it twice.
/// </summary>
public sealed class Bm25ParametersTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly string[] Filler =
    [
        "Lunch was late again today.",
        "The train to the city was full.",
        "My sister called about the weekend plans.",
        "We painted the fence green last month.",
        "The dog would not stop barking at the mailman.",
        "I finally fixed the leaking kitchen tap.",
    ];

    private async Task<string?> TopAsync(string name, double b)
    {
        await using var memory = await MemoryStore.OpenAsync(_dir.File(name), new MemoryStoreOptions
        {
            // Only BM25 decides: no priors, no expansion.
            Retrieval = new RetrievalOptions { Mode = RetrievalMode.Lexical, Bm25B = b, ContentPrior = 0, SpeakerPrior = 0, QuestionPrior = 0, Expansion = false },
        });
        var entries = new List<NewEntry>
        {
            new() { Stream = "s", ExternalId = "short", Text = "Kayak rental!" },
            new() { Stream = "s", ExternalId = "long", Text = "On Saturday we finally took the kayak out on the lake with the whole family, and the kids loved paddling the kayak around the little island near the pier." },
        };
        for (int i = 0; i < Filler.Length; i++) entries.Add(new NewEntry { Stream = "s", ExternalId = $"f{i}", Text = Filler[i] });
        await memory.IngestAsync(entries);
        var hits = await memory.SearchAsync("kayak", SearchFilter.ForStream("s"), 2);
        hits.Count.ShouldBe(2);
        return hits[0].Entry.ExternalId;
    }

    [Fact]
    public async Task Length_normalization_comes_from_the_retrieval_options()
    {
        (await TopAsync("full", 1.0)).ShouldBe("short");
        (await TopAsync("none", 0.0)).ShouldBe("long");
    }

    [Fact]
    public void The_default_normalizes_less_than_textbook_BM25_for_short_chat_turns()
    {
        var options = new RetrievalOptions();
        options.Bm25K1.ShouldBe(1.2);
        options.Bm25B.ShouldBeInRange(0.0, 0.5);
    }
}
