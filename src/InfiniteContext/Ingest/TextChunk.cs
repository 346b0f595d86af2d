namespace InfiniteContext.Ingest;

/// <summary>A piece of a text document: its exact text, its 1-based inclusive line range and the headings above it.</summary>
internal readonly record struct TextChunk(string Text, long StartLine, long EndLine, string? HeadingPath);
