using InfiniteContext.Retrieval;
using InfiniteContext.Tests.Support;
using InfiniteContext.Vectors;

namespace InfiniteContext.Tests.Vectors;

/// <summary>The approximate vector index through <see cref="MemoryStore"/>: built by the indexer, kept by forget, reopened from disk.</summary>
public sealed class ApproximateIndexStoreTests : IDisposable
{
    private static readonly string[] Words = ["river", "garden", "window", "market", "yellow", "travel", "kitchen", "morning", "letter", "silver", "planet", "music", "candle", "harbor", "meadow", "copper"];
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Text(string stream, int k)
    {
        var rng = new Random(k * 31 + stream.Length);
        return $"{stream} note {k} " + string.Join(' ', Enumerable.Range(0, 6).Select(_ => Words[rng.Next(Words.Length)]));
    }

    private Task<MemoryStore> OpenAsync() => MemoryStore.OpenAsync(_dir.File("store"), new MemoryStoreOptions
    {
        Embeddings = new HashingEmbeddingGenerator(),
        BackgroundVectorIndexing = false,
        VectorIndex = new VectorIndexOptions { ApproximateFrom = 500, ProbeFactor = 1 }, // 22 lists: 5 probed (the default would probe past half, where the scan answers)
    });

    [Fact]
    public async Task Stats_say_which_search_answers_as_the_store_grows()
    {
        await using var memory = await MemoryStore.OpenAsync(_dir.File("tiers"), new MemoryStoreOptions
        {
            Embeddings = new HashingEmbeddingGenerator(),
            BackgroundVectorIndexing = false,
            VectorIndex = new VectorIndexOptions { ApproximateFrom = 1600, ProjectFrom = 400, ProbeFactor = 3 }, // 40 lists at 1,600: 19 probed
        });
        (await memory.GetStatsAsync()).VectorSearch.ShouldBe("exact scan");
        await memory.IngestAsync(Enumerable.Range(0, 500).Select(k => new NewEntry { Stream = "s", Text = Text("s", k) }));
        await memory.IndexVectorsAsync();
        (await memory.GetStatsAsync()).VectorSearch.ShouldBe("projected scan (32 of 64 directions)");
        await memory.IngestAsync(Enumerable.Range(500, 1200).Select(k => new NewEntry { Stream = "s", Text = Text("s", k) }));
        await memory.IndexVectorsAsync();
        (await memory.GetStatsAsync()).VectorSearch.ShouldBe("IVF index (19 of 40 lists probed)");
    }

    [Fact]
    public async Task The_indexer_builds_the_index_forget_removes_from_it_and_a_reopen_reads_it_back()
    {
        string ivf = Path.Combine(_dir.File("store"), "index", "vectors", "fake-hash-64.ivf");
        await using (var memory = await OpenAsync())
        {
            await memory.IngestAsync(Enumerable.Range(0, 900).Select(k => new NewEntry { Stream = "keep", Text = Text("keep", k) }));
            await memory.IngestAsync(Enumerable.Range(0, 300).Select(k => new NewEntry { Stream = "drop", Text = Text("drop", k) }));
            (await memory.IndexVectorsAsync()).ShouldBe(1200);
            File.Exists(ivf).ShouldBeTrue("1,200 vectors are past the threshold of 500");

            foreach (int k in new[] { 0, 123, 899 })
                (await memory.SearchAsync(Text("keep", k), null, 1, RetrievalMode.Dense))[0].Entry.Text.ShouldBe(Text("keep", k));
            (await memory.SearchAsync(Text("drop", 7), null, 1, RetrievalMode.Dense))[0].Entry.Text.ShouldBe(Text("drop", 7));

            (await memory.ForgetAsync("drop")).Count.ShouldBe(300);
            foreach (int k in new[] { 7, 150, 299 })
                (await memory.SearchAsync(Text("drop", k), null, 100, RetrievalMode.Dense)).ShouldAllBe(h => h.Entry.Stream == "keep");
        }

        var records = IvfIndexFile.TryRead(ivf, 64).ShouldNotBeNull().Records;
        records.Count.ShouldBe(900, "the index file was rewritten without the forgotten vectors");
        await using var reopened = await OpenAsync();
        (await reopened.SearchAsync(Text("keep", 456), null, 1, RetrievalMode.Dense))[0].Entry.Text.ShouldBe(Text("keep", 456));
        (await reopened.SearchAsync(Text("drop", 7), SearchFilter.ForStream("keep"), 100, RetrievalMode.Dense)).ShouldAllBe(h => h.Entry.Stream == "keep");
        (await reopened.SearchAsync(Text("drop", 7), null, 100, RetrievalMode.Dense)).ShouldAllBe(h => h.Entry.Stream == "keep");
    }
}
