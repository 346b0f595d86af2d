namespace InfiniteContext.Ingest;

/// <summary>
/// What a reader yields for each record of its input: an entry, or a problem that names where it is
/// (file, line, field) so the caller can skip it or abort with a clear message.
/// </summary>
public readonly record struct IngestItem(NewEntry? Entry, IngestProblem? Problem)
{
    public static IngestItem Ok(NewEntry entry) => new(entry, null);
    public static IngestItem Fail(IngestProblem problem) => new(null, problem);
}

/// <summary>A bad record: <c>{Source}:{Line}: {Field}: {Message}</c>.</summary>
public sealed record IngestProblem(string Source, long Line, string? Field, string Message)
{
    public override string ToString() =>
        Field is null ? $"{Source}:{Line}: {Message}" : $"{Source}:{Line}: field '{Field}': {Message}";
}

/// <summary>Thrown when a whole input cannot be read (unknown format, unreadable file); per-record problems are <see cref="IngestProblem"/>s.</summary>
public sealed class IngestException(string message, Exception? inner = null) : Exception(message, inner);
