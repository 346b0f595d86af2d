namespace InfiniteContext.Vectors;

/// <summary>
/// A vector file holds another model's vectors, or vectors of another length than the model now produces. Not
/// damage to repair by rebuilding: the store refuses to mix or silently discard them, and says which file and
/// which models, so the caller can choose (another model id, or deleting the file to recompute every vector).
/// </summary>
public sealed class VectorModelMismatchException(string message) : IOException(message);
