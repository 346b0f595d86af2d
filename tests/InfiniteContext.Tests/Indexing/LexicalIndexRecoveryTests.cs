using System.Buffers.Binary;
using InfiniteContext.Indexing;
using InfiniteContext.Tests.Support;

namespace InfiniteContext.Tests.Indexing;

/// <summary>
/// The lexical index is derived from the log: whatever happens to its files, opening the store must rebuild it
/// rather than fail (MemoryStore.OpenLexical: "A damaged index is derived data: start it empty and let catch-up rebuild it").
/// </summary>
public sealed class LexicalIndexRecoveryTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string LexicalDir => Path.Combine(_dir.Path, "index", "lexical");

    private async Task CreateStoreAsync()
    {
        await using var store = await MemoryStore.OpenAsync(_dir.Path);
        await store.IngestAsync([
            new NewEntry { Stream = "s", ExternalId = "1", Text = "the lighthouse keeper painted the door blue" },
            new NewEntry { Stream = "s", ExternalId = "2", Text = "we sailed past the harbour at dawn" },
        ]);
        Directory.GetFiles(LexicalDir, "*.lx").ShouldNotBeEmpty();
    }

    private async Task AssertRebuiltAsync(bool readOnly)
    {
        await using var store = await MemoryStore.OpenAsync(_dir.Path, new MemoryStoreOptions { ReadOnly = readOnly });
        var hit = (await store.SearchAsync("lighthouse")).ShouldHaveSingleItem();
        hit.Entry.ExternalId.ShouldBe("1");
        var stats = await store.GetStatsAsync();
        stats.LexicalCoveredSeq.ShouldBe(stats.LastSeq);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_segment_with_flipped_bytes_is_rebuilt_from_the_log(bool readOnly)
    {
        await CreateStoreAsync();
        string segment = Directory.GetFiles(LexicalDir, "*.lx")[0];
        byte[] bytes = await File.ReadAllBytesAsync(segment);
        bytes[bytes.Length / 2] ^= 0xFF;
        await File.WriteAllBytesAsync(segment, bytes);

        await AssertRebuiltAsync(readOnly);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_segment_file_the_manifest_names_but_that_is_gone_is_rebuilt_from_the_log(bool readOnly)
    {
        await CreateStoreAsync();
        foreach (string segment in Directory.GetFiles(LexicalDir, "*.lx")) File.Delete(segment);

        await AssertRebuiltAsync(readOnly);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_segment_of_an_older_format_is_rebuilt_from_the_log_and_a_reader_leaves_it_untouched(bool readOnly)
    {
        await CreateStoreAsync();
        // Format 1 had no skip data. Stamp the version and re-seal the checksum, so only the version is wrong.
        string segment = Directory.GetFiles(LexicalDir, "*.lx")[0];
        byte[] bytes = await File.ReadAllBytesAsync(segment);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), 1);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(bytes.Length - 16), ContentHash.Compute(bytes.AsSpan(0, bytes.Length - 16)));
        await File.WriteAllBytesAsync(segment, bytes);
        Should.Throw<InvalidDataException>(() => SegmentFile.Load(segment)).Message.ShouldContain("format 1");
        var before = Snapshot();

        await AssertRebuiltAsync(readOnly);

        if (readOnly)
        {
            Snapshot().ShouldBe(before); // a reader rebuilds in memory and never writes
        }
        else
        {
            foreach (string rebuilt in Directory.GetFiles(LexicalDir, "*.lx"))
                BinaryPrimitives.ReadUInt32LittleEndian(File.ReadAllBytes(rebuilt).AsSpan(4)).ShouldBe(SegmentFile.Version);
            Directory.GetFiles(LexicalDir, "*.lx").ShouldNotBeEmpty();
        }
    }

    private Dictionary<string, string> Snapshot() =>
        Directory.GetFiles(LexicalDir).ToDictionary(f => Path.GetFileName(f), f => Convert.ToHexString(File.ReadAllBytes(f)));

    [Fact]
    public async Task A_deleted_index_directory_is_rebuilt_from_the_log()
    {
        await CreateStoreAsync();
        Directory.Delete(Path.Combine(_dir.Path, "index"), recursive: true);

        await AssertRebuiltAsync(readOnly: false);
    }
}
