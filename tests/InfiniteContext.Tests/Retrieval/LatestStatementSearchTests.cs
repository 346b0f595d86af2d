using InfiniteContext.Retrieval;

namespace InfiniteContext.Tests.Retrieval;

/// <summary>
/// Through the store: a fact restated far more often than a channel's candidate pool holds. The newest statement
/// must still come first for a current-state question, while a question that does not ask for the present keeps
/// plain relevance order.
/// </summary>
public sealed class LatestStatementSearchTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly string[] Wordings =
    [
        "The boathouse alarm code is {0}.",
        "Heads up: boathouse alarm code changed, it is {0} now that the old one leaked.",
        "alarm code (boathouse) := {0}",
        "I reset the alarm code at the boathouse this morning to {0}, please use that from now on.",
    ];

    [Theory]
    [InlineData(RetrievalMode.Lexical)]
    [InlineData(RetrievalMode.Fused)]
    public async Task The_newest_of_hundreds_of_restatements_comes_first_for_a_current_state_question(RetrievalMode mode)
    {
        await using var memory = await MemoryStore.OpenAsync(_dir.Path, new MemoryStoreOptions
        {
            Embeddings = mode == RetrievalMode.Fused ? new Support.HashingEmbeddingGenerator() : null,
            BackgroundVectorIndexing = false,
        });
        var start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var entries = new List<NewEntry>();
        for (int i = 0; i < 300; i++)
        {
            entries.Add(new NewEntry
            {
                Stream = "ops", ExternalId = $"u{i}", Time = start.AddHours(i), Speaker = i % 3 == 0 ? "tracker" : "Dana",
                Text = string.Format(System.Globalization.CultureInfo.InvariantCulture, Wordings[i % Wordings.Length], 1000 + i),
            });
            // Unrelated chatter and a different code of the same kind, so the fact is not alone in the stream.
            entries.Add(new NewEntry { Stream = "ops", ExternalId = $"c{i}", Time = start.AddHours(i).AddMinutes(20), Speaker = "Dana", Text = $"The shed alarm code is {5000 + i}; lunch at {i % 12 + 1}." });
        }
        (await memory.IngestAsync(entries)).Added.ShouldBe(600);
        if (mode == RetrievalMode.Fused) await memory.IndexVectorsAsync();

        var current = await memory.SearchAsync("What is the boathouse alarm code now?", SearchFilter.ForStream("ops"), 5, mode);
        current[0].Entry.ExternalId.ShouldBe("u299");

        // A filter still bounds what can be pulled in.
        var bounded = await memory.SearchAsync("What is the current boathouse alarm code?", new SearchFilter { Streams = ["ops"], To = start.AddHours(100) }, 5, mode);
        bounded[0].Entry.ExternalId.ShouldBe("u99");

        var plain = await memory.SearchAsync("boathouse alarm code", SearchFilter.ForStream("ops"), 5, mode);
        plain[0].Entry.ExternalId.ShouldNotBe("u299");
    }
}
