using Microsoft.Extensions.AI;

namespace InfiniteContext.Tests.Support;

/// <summary>Thrown by <see cref="HashingEmbeddingGenerator"/> when it is told to fail.</summary>
public sealed class FakeEmbeddingException(string message) : Exception(message);

/// <summary>
/// A deterministic stand-in for an embedding model: a hashed bag of words (each lower-cased word adds its own
/// pseudo-random +-1 vector), normalized to unit length, so texts sharing words are close.
/// It counts what it embeds (documents and queries apart, per text too), and can be told to throw, or to block
/// until released, once a call would take the number of embedded documents past a limit.
/// </summary>
public sealed class HashingEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _timesEmbedded = new(StringComparer.Ordinal);
    private readonly EmbeddingGeneratorMetadata _metadata;
    private int? _failAfter;
    private int? _blockAfter;
    private TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _blocked = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public HashingEmbeddingGenerator(string modelId = "fake-hash-64", int dimensions = 64, bool advertiseDimensions = true)
    {
        ModelId = modelId;
        Dimensions = dimensions;
        _metadata = new EmbeddingGeneratorMetadata("fake", null, modelId, advertiseDimensions ? dimensions : null);
    }

    public string ModelId { get; }
    public int Dimensions { get; }

    /// <summary>Document texts embedded by calls that returned vectors.</summary>
    public int DocumentsEmbedded { get { lock (_gate) return _timesEmbedded.Values.Sum(); } }
    /// <summary>Document texts of calls that threw instead (the work a crash throws away).</summary>
    public int FailedTexts { get; private set; }
    public int FailedCalls { get; private set; }
    public int DocumentCalls { get; private set; }
    public int QueriesEmbedded { get; private set; }

    /// <summary>The most times one text was embedded successfully (1 when nothing was computed twice).</summary>
    public int MaxTimesOneTextEmbedded { get { lock (_gate) return _timesEmbedded.Count == 0 ? 0 : _timesEmbedded.Values.Max(); } }

    public IReadOnlyCollection<string> EmbeddedTexts { get { lock (_gate) return _timesEmbedded.Keys.ToList(); } }

    /// <summary>A call that would take <see cref="DocumentsEmbedded"/> past <paramref name="texts"/> throws <see cref="FakeEmbeddingException"/>.</summary>
    public void FailAfter(int texts)
    {
        lock (_gate) _failAfter = texts;
    }

    /// <summary>A call that would take <see cref="DocumentsEmbedded"/> past <paramref name="texts"/> waits for <see cref="Unblock"/> (or cancellation).</summary>
    public void BlockAfter(int texts)
    {
        lock (_gate) _blockAfter = texts;
    }

    /// <summary>Completes when a call first starts waiting under <see cref="BlockAfter"/>.</summary>
    public Task Blocked => _blocked.Task;

    public void Unblock()
    {
        lock (_gate)
        {
            _blockAfter = null;
            _release.TrySetResult();
            _release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public void ClearFaults()
    {
        lock (_gate) _failAfter = null;
        Unblock();
    }

    public int TimesEmbedded(string text)
    {
        lock (_gate) return _timesEmbedded.GetValueOrDefault(text);
    }

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var texts = values.ToList();
        bool query = options?.AdditionalProperties?.TryGetValue("input_type", out var type) == true && Equals(type, "query");
        var result = new GeneratedEmbeddings<Embedding<float>>(texts.Count);
        foreach (var t in texts) result.Add(new Embedding<float>(Embed(t, Dimensions)) { ModelId = ModelId });
        if (query)
        {
            lock (_gate) QueriesEmbedded += texts.Count;
            return result;
        }

        await Task.Yield(); // like a real model: the caller continues on another thread
        while (true)
        {
            Task? wait = null;
            lock (_gate)
            {
                int done = _timesEmbedded.Values.Sum();
                if (_failAfter is int fail && done + texts.Count > fail)
                {
                    FailedTexts += texts.Count;
                    FailedCalls++;
                    throw new FakeEmbeddingException($"fake model failure after {done} texts");
                }
                if (_blockAfter is int block && done + texts.Count > block) wait = _release.Task;
                else
                {
                    DocumentCalls++;
                    foreach (var t in texts) _timesEmbedded[t] = _timesEmbedded.GetValueOrDefault(t) + 1;
                    return result;
                }
            }
            _blocked.TrySetResult();
            await wait.WaitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// The vector of a text: the normalized sum of one pseudo-random +-1 vector per word, seeded by the word's
    /// FNV-1a hash (deterministic across runs and processes, unlike string.GetHashCode). Unrelated words are
    /// nearly orthogonal (cosine ~ +-1/sqrt(dimensions)), so shared words dominate the similarity.
    /// </summary>
    public static float[] Embed(string text, int dimensions)
    {
        var v = new float[dimensions];
        foreach (var word in Words(text))
        {
            ulong state = 14695981039346656037UL;
            foreach (char c in word) state = (state ^ c) * 1099511628211UL;
            for (int i = 0; i < dimensions; i++)
            {
                // SplitMix64 step: one sign per dimension.
                state += 0x9E3779B97F4A7C15UL;
                ulong z = state;
                z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
                z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
                z ^= z >> 31;
                v[i] += (z & 1) == 0 ? 1 : -1;
            }
        }
        double norm = Math.Sqrt(v.Sum(x => (double)x * x));
        if (norm > 0) for (int i = 0; i < v.Length; i++) v[i] = (float)(v[i] / norm);
        return v;
    }

    private static IEnumerable<string> Words(string text)
    {
        int start = -1;
        for (int i = 0; i <= text.Length; i++)
        {
            bool letter = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (letter && start < 0) start = i;
            else if (!letter && start >= 0)
            {
                yield return text[start..i].ToLowerInvariant();
                start = -1;
            }
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose() { }
}
