namespace InfiniteContext;

/// <summary>What <c>infctx stats</c> shows: the log, and how far each derived index has caught up with it.</summary>
public sealed record StoreStats(
    string Directory,
    string Tokenizer,
    long Entries,
    long Streams,
    long Tokens,
    long LastSeq,
    long LogBytes,
    long LexicalCoveredSeq,
    long LexicalPersistedSeq,
    long LexicalSegments,
    long LexicalTerms,
    long LexicalBytes);
