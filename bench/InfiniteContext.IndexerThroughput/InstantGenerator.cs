using Microsoft.Extensions.AI;

namespace InfiniteContext.IndexerThroughput;

/// <summary>
/// A "model" that costs nothing: fixed unit vectors of the real model's length. The indexer draining a store
/// with it measures the indexer's own work (log reads, int8 encoding, fsynced appends) apart from the model,
/// a number that CPU noise from other processes barely moves.
/// </summary>
internal sealed class InstantGenerator(string modelId, int dimensions) : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly float[] _unit = Enumerable.Repeat(1f / MathF.Sqrt(dimensions), dimensions).ToArray();

    public EmbeddingGeneratorMetadata Metadata { get; } = new("instant", null, modelId, dimensions);

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(_ => new Embedding<float>(_unit))));

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(EmbeddingGeneratorMetadata) ? Metadata : serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose() { }
}
