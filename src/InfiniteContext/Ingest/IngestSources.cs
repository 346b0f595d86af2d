using System.Runtime.CompilerServices;
using InfiniteContext.Text;

namespace InfiniteContext.Ingest;

/// <summary>
/// Resolves what <c>infctx ingest PATH</c> means: a file, a folder (recursively, ordinal path order, hidden
/// files and folders skipped) or "-" for stdin; picks each file's reader and streams its items.
/// Source names: a single file is named by its file name, a folder's files by "{folder name}/{relative path}"
/// with '/' separators, stdin by "stdin", so ids derived from them do not depend on the working directory.
/// Under <see cref="IngestFormat.Auto"/>, a folder contributes only files with a known extension
/// (.jsonl .ndjson .json .md .markdown .txt .rst); a named file or stdin is sniffed when its extension says nothing.
/// </summary>
public sealed class IngestSources
{
    public const string StandardInputPath = "-";
    public const string StandardInputName = "stdin";

    private readonly ITokenCounter _tokenCounter;
    private readonly Func<Stream> _openStandardInput;

    public IngestSources(ITokenCounter tokenCounter, Func<Stream>? openStandardInput = null)
    {
        _tokenCounter = tokenCounter;
        _openStandardInput = openStandardInput ?? Console.OpenStandardInput;
    }

    /// <summary>The reader for a concrete format.</summary>
    public IEntryReader ReaderFor(IngestFormat format) => format switch
    {
        IngestFormat.Jsonl => new JsonlEntryReader(),
        IngestFormat.Text => new TextEntryReader(_tokenCounter),
        IngestFormat.Locomo => new LocomoEntryReader(),
        IngestFormat.OpenAi => new OpenAiEntryReader(),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Auto is resolved per input, not a reader."),
    };

    /// <summary>The files <paramref name="path"/> stands for, with their source names; "-" gives stdin.</summary>
    public static IReadOnlyList<(string Path, string SourceName)> EnumerateFiles(string path, IngestFormat format = IngestFormat.Auto)
    {
        if (path == StandardInputPath) return [(StandardInputPath, StandardInputName)];
        if (File.Exists(path)) return [(path, Path.GetFileName(path))];
        if (!Directory.Exists(path)) throw new IngestException($"{path}: no such file or folder");

        string root = Path.GetFullPath(path);
        string rootName = Path.GetFileName(Path.TrimEndingDirectorySeparator(root));
        var files = new List<(string Path, string SourceName)>();
        Collect(root, files);
        files.Sort((a, b) => string.CompareOrdinal(a.SourceName, b.SourceName));
        return files;

        void Collect(string folder, List<(string, string)> into)
        {
            foreach (string file in Directory.EnumerateFiles(folder))
            {
                if (IsHidden(file)) continue;
                if (format == IngestFormat.Auto && !IngestFormatDetector.IsKnownExtension(file)) continue;
                string relative = Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/');
                into.Add((file, string.IsNullOrEmpty(rootName) ? relative : $"{rootName}/{relative}"));
            }
            foreach (string sub in Directory.EnumerateDirectories(folder))
            {
                if (!IsHidden(sub)) Collect(sub, into);
            }
        }
    }

    /// <summary>Every item of every file <paramref name="path"/> stands for, file by file in enumeration order.</summary>
    public async IAsyncEnumerable<IngestItem> ReadAsync(string path, IngestFormat format, IngestReaderOptions options,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach ((string file, string sourceName) in EnumerateFiles(path, format))
        {
            Stream input;
            try
            {
                input = file == StandardInputPath ? _openStandardInput() : new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan | FileOptions.Asynchronous);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new IngestException($"{sourceName}: cannot open: {ex.Message}", ex);
            }
            await using (input)
            {
                await foreach (IngestItem item in ReadAsync(input, sourceName, format, options, cancellationToken))
                    yield return item;
            }
        }
    }

    /// <summary>Items of one input; <see cref="IngestFormat.Auto"/> is resolved from the source name's extension, then the content.</summary>
    public async IAsyncEnumerable<IngestItem> ReadAsync(Stream input, string sourceName, IngestFormat format, IngestReaderOptions options,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (format == IngestFormat.Auto)
        {
            (format, input) = await DetectAsync(input, sourceName, cancellationToken);
        }
        await foreach (IngestItem item in ReaderFor(format).ReadAsync(input, sourceName, options, cancellationToken))
            yield return item;
    }

    /// <summary>
    /// Resolves Auto for one input; returns the stream to read from (the sniffed bytes replayed in front).
    /// Throws <see cref="IngestException"/> naming the source when nothing decides.
    /// </summary>
    public static async Task<(IngestFormat Format, Stream Input)> DetectAsync(Stream input, string sourceName, CancellationToken cancellationToken = default)
    {
        if (IngestFormatDetector.FromExtension(sourceName) is { } byExtension) return (byExtension, input);

        byte[] prefix = await PrefixedStream.ReadPrefixAsync(input, IngestFormatDetector.SniffBytes, cancellationToken);
        var replay = new PrefixedStream(prefix, input);
        bool wholeInput = prefix.Length < IngestFormatDetector.SniffBytes;
        IngestFormat? sniffed = IngestFormatDetector.FromContent(prefix, wholeInput);
        bool isJsonFile = Path.GetExtension(sourceName).Equals(".json", StringComparison.OrdinalIgnoreCase);

        // A .json file must be one of the whole-document layouts; JSONL records belong in .jsonl files.
        if (sniffed is IngestFormat.Locomo or IngestFormat.OpenAi || (sniffed is IngestFormat.Jsonl && !isJsonFile)) return (sniffed.Value, replay);
        if (sourceName == StandardInputName && !LooksLikeJson(prefix)) return (IngestFormat.Text, replay);
        if (InputBytes.IsBlank(prefix)) return (IngestFormat.Jsonl, replay); // empty: nothing to read either way

        throw new IngestException(isJsonFile
            ? $"{sourceName}: cannot tell the JSON layout: expected a LoCoMo sample list (\"sample_id\", \"conversation\") or OpenAI transcripts (\"messages\"); pass --format"
            : $"{sourceName}: unknown input format; pass --format (jsonl, text, locomo, openai)");
    }

    private static bool LooksLikeJson(ReadOnlySpan<byte> prefix)
    {
        prefix = InputBytes.WithoutBom(prefix);
        int first = InputBytes.FirstNonWhitespace(prefix);
        return first >= 0 && prefix[first] is (byte)'{' or (byte)'[';
    }

    private static bool IsHidden(string path)
    {
        string name = Path.GetFileName(path);
        if (name.StartsWith('.')) return true;
        try
        {
            return (File.GetAttributes(path) & FileAttributes.Hidden) != 0;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
