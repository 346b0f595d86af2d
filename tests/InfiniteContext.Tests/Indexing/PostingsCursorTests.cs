using InfiniteContext.Indexing;

namespace InfiniteContext.Tests.Indexing;

/// <summary>
/// Skip-based <see cref="PostingsCursor.Advance"/> and block bounds, on both kinds of cursor: a written segment (skip blocks)
/// and the in-memory tail (arrays), checked against the plain list of postings.
/// </summary>
public sealed class PostingsCursorTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private sealed record Posting(int Doc, int Tf, int Length);

    /// <summary>A builder with <paramref name="docs"/> documents; "kite" is in a random subset of them (and "other" in every one).</summary>
    private static (SegmentBuilder Builder, List<Posting> Kite) Build(Random random, int docs, double share)
    {
        var builder = new SegmentBuilder();
        var kite = new List<Posting>();
        var lengths = new int[docs];
        for (int d = 0; d < docs; d++)
        {
            lengths[d] = 1 + random.Next(random.Next(4) == 0 ? 3 : 200);
            builder.AddDocument(d + 1, 1, IndexedDoc.NoTime, lengths[d], EntryRole.User, null, null);
        }
        for (int d = 0; d < docs; d++)
        {
            if (random.NextDouble() >= share) continue;
            int tf = 1 + (random.Next(20) == 0 ? random.Next(50) : random.Next(3));
            builder.AddPosting("kite", d, tf);
            kite.Add(new Posting(d, tf, lengths[d]));
        }
        for (int d = 0; d < docs; d++) builder.AddPosting("other", d, 1);
        return (builder, kite);
    }

    private PostingsCursor Cursor(SegmentBuilder builder, bool segment, string term = "kite")
    {
        if (segment)
        {
            string path = _dir.File(Guid.NewGuid().ToString("N") + ".lx");
            SegmentWriter.Write(builder, path);
            SegmentFile.Load(path).TryGetPostings(term, out var onDisk).ShouldBeTrue();
            return onDisk;
        }
        builder.TryGetPostings(term, out var inMemory).ShouldBeTrue();
        return inMemory;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Advance_interleaved_with_next_returns_the_first_remaining_posting_at_or_after_the_target(bool segment)
    {
        for (int seed = 0; seed < 12; seed++)
        {
            var random = new Random(seed);
            var (builder, kite) = Build(random, 300 + random.Next(5000), share: random.NextDouble() * 0.9 + 0.05);
            var cursor = Cursor(builder, segment);
            cursor.Count.ShouldBe(kite.Count);
            cursor.MaxTf.ShouldBe(kite.Max(p => p.Tf));
            cursor.MinLengthPerTf.ShouldBe(kite.Min(p => Bm25.LengthPerTf(p.Length, p.Tf)));

            int next = 0; // index in `kite` of the first posting the cursor has not consumed
            int last = kite[^1].Doc;
            while (true)
            {
                bool useAdvance = random.Next(3) != 0;
                if (useAdvance)
                {
                    // Targets from just past the last consumed doc to far ahead (several blocks), sometimes past the end.
                    int floor = next == 0 ? 0 : kite[next - 1].Doc + 1;
                    int target = floor + (random.Next(4) == 0 ? random.Next(2000) : random.Next(20));
                    int expected = next;
                    while (expected < kite.Count && kite[expected].Doc < target) expected++;

                    if (random.Next(2) == 0 && cursor.BlockBound(target, out int lastDoc, out int blockTf, out float blockLengthPerTf))
                    {
                        expected.ShouldBeLessThan(kite.Count, $"seed {seed}: a block was reported past the end");
                        lastDoc.ShouldBeGreaterThanOrEqualTo(kite[expected].Doc);
                        blockTf.ShouldBeGreaterThanOrEqualTo(kite[expected].Tf);
                        ((double)blockLengthPerTf).ShouldBeLessThanOrEqualTo((double)kite[expected].Length / kite[expected].Tf);
                        if (segment)
                        {
                            // The block is the aligned run of 128 postings holding that posting, and the bounds are its exact extremes.
                            var block = kite.Skip(expected / SkipBlocks.Size * SkipBlocks.Size).Take(SkipBlocks.Size).ToList();
                            lastDoc.ShouldBe(block[^1].Doc);
                            blockTf.ShouldBe(block.Max(p => p.Tf));
                            blockLengthPerTf.ShouldBe(block.Min(p => Bm25.LengthPerTf(p.Length, p.Tf)));
                        }
                    }

                    bool found = cursor.Advance(target, out int doc, out int tf);
                    if (expected == kite.Count)
                    {
                        found.ShouldBeFalse($"seed {seed}: advance to {target} past the last doc {last}");
                        cursor.BlockBound(target, out _, out _, out _).ShouldBeFalse();
                        break;
                    }
                    found.ShouldBeTrue($"seed {seed}: advance to {target}");
                    (doc, tf).ShouldBe((kite[expected].Doc, kite[expected].Tf), $"seed {seed}: advance to {target}");
                    next = expected + 1;
                }
                else
                {
                    bool found = cursor.Next(out int doc, out int tf);
                    if (next == kite.Count)
                    {
                        found.ShouldBeFalse();
                        break;
                    }
                    found.ShouldBeTrue();
                    (doc, tf).ShouldBe((kite[next].Doc, kite[next].Tf), $"seed {seed}: next");
                    next++;
                }
            }
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_fresh_cursor_walks_every_posting_in_order(bool segment)
    {
        var (builder, kite) = Build(new Random(3), 4000, share: 0.7);
        var cursor = Cursor(builder, segment);
        var seen = new List<Posting>();
        while (cursor.Next(out int doc, out int tf)) seen.Add(new Posting(doc, tf, 0));
        seen.Select(p => (p.Doc, p.Tf)).ShouldBe(kite.Select(p => (p.Doc, p.Tf)));

        // The list holding every document: advancing to each block boundary lands exactly on it.
        var all = Cursor(builder, segment, "other");
        for (int target = 0; target < 4000; target += SkipBlocks.Size)
        {
            all.Advance(target, out int doc, out int tf).ShouldBeTrue();
            (doc, tf).ShouldBe((target, 1));
        }
        all.Advance(4000, out _, out _).ShouldBeFalse();
    }
}
