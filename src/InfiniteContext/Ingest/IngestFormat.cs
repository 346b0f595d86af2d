namespace InfiniteContext.Ingest;

/// <summary>Input layouts <c>infctx ingest</c> understands.</summary>
public enum IngestFormat
{
    /// <summary>Decide from the file extension and, failing that, the first non-blank characters.</summary>
    Auto,
    /// <summary>One JSON message per line: {"stream","id","session","time","role","speaker","text","meta"}; only text is required.</summary>
    Jsonl,
    /// <summary>Plain text or Markdown, split at headings and paragraphs into bounded chunks.</summary>
    Text,
    /// <summary>LoCoMo's locomo10.json layout (a JSON list of samples with sessions of turns).</summary>
    Locomo,
    /// <summary>OpenAI chat transcripts: {"messages": [...]} per line or per file.</summary>
    OpenAi,
}
