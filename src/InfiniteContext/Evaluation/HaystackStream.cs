using System.Globalization;
using System.Runtime.CompilerServices;
using InfiniteContext.Ingest;
using InfiniteContext.Text;

namespace InfiniteContext.Evaluation;

/// <summary>
/// The haystack as ingest items: generated paragraphs until the target token count (counted with the
/// store's tokenizer), with the plan's needles and distractors inserted when their offsets are reached.
/// Lazy: memory holds one paragraph and the plan, however long the haystack.
/// </summary>
public sealed class HaystackStream(HaystackGenerator generator, long targetTokens, IReadOnlyList<NiahInsertion> insertions, ITokenCounter tokenCounter)
{
    public const string StreamName = "haystack";

    /// <summary>Haystack tokens produced so far (needles not counted).</summary>
    public long HaystackTokens { get; private set; }

    public long Paragraphs { get; private set; }

    public long Inserted { get; private set; }

    public HaystackStream(HaystackGenerator generator, NiahPlan plan, ITokenCounter tokenCounter)
        : this(generator, plan?.TargetTokens ?? throw new ArgumentNullException(nameof(plan)), plan.Insertions, tokenCounter)
    {
    }

    public long TargetTokens => targetTokens;

    /// <summary>Insertions must be sorted by offset (<see cref="NiahPlan.Insertions"/> is).</summary>
    public async IAsyncEnumerable<IngestItem> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        int next = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            while (next < insertions.Count && insertions[next].TokenOffset <= HaystackTokens)
                yield return Item(insertions[next++].Entry);
            if (HaystackTokens >= targetTokens) break;
            string text = generator.NextParagraph();
            HaystackTokens += tokenCounter.CountTokens(text);
            yield return IngestItem.Ok(new NewEntry
            {
                Stream = StreamName,
                ExternalId = "p" + (Paragraphs++).ToString(CultureInfo.InvariantCulture),
                Text = text,
            });
        }
        while (next < insertions.Count) yield return Item(insertions[next++].Entry);
        await Task.CompletedTask;
    }

    private IngestItem Item(NeedleEntry entry)
    {
        Inserted++;
        return IngestItem.Ok(new NewEntry { Stream = StreamName, ExternalId = entry.Id, Text = entry.Text });
    }
}
