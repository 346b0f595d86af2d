using System.CommandLine;
using InfiniteContext.Cli.Output;
using InfiniteContext.Embeddings;
using InfiniteContext.Retrieval;

namespace InfiniteContext.Cli.Commands;

/// <summary>
/// What every generated or per-instance eval shares: the options (--store, --model, --retrieval, --json,
/// --progress), a store built for the run (a temporary one unless --store names one), and the retrieval label
/// the tables print.
/// </summary>
internal sealed class EvalSession : IAsyncDisposable
{
    private readonly string? _given;
    private readonly EmbeddedSentenceGenerator? _generator;

    private EvalSession(string directory, string? given, EmbeddedSentenceGenerator? generator, MemoryStore memory, RetrievalMode mode, string label)
    {
        Directory = directory;
        _given = given;
        _generator = generator;
        Memory = memory;
        Mode = mode;
        Label = label;
    }

    public string Directory { get; }
    public MemoryStore Memory { get; }
    public RetrievalMode Mode { get; }
    public string Label { get; }

    public sealed record Options(Option<string?> Store, Option<bool> Json, Option<string?> Model, Option<RetrievalMode?> Retrieval, Option<ProgressMode> Progress)
    {
        public IEnumerable<Option> All => [Store, Json, Model, Retrieval, Progress];
    }

    public static Options CreateOptions() => new(
        new Option<string?>("--store") { Description = "Store to build (default: a fresh temporary directory, removed afterwards)." },
        CommonOptions.Json(),
        Models.ModelOption(),
        Models.RetrievalOption(),
        CommonOptions.Progress());

    public static async Task<EvalSession> OpenAsync(ParseResult result, Options options, CancellationToken cancellationToken)
    {
        var chosen = Models.ParseEmbedded(result.GetValue(options.Model));
        var mode = result.GetValue(options.Retrieval) ?? (chosen is null ? RetrievalMode.Lexical : RetrievalMode.Fused);
        if (mode != RetrievalMode.Lexical && chosen is null) throw new CliUsageException($"--retrieval {mode.ToString().ToLowerInvariant()} needs an embedding model.");
        string? given = result.GetValue(options.Store);
        string dir = given ?? Path.Combine(Path.GetTempPath(), "infctx-eval-" + Guid.NewGuid().ToString("N")[..8]);
        var generator = mode != RetrievalMode.Lexical && chosen is { } m ? new EmbeddedSentenceGenerator(new EmbeddedModelOptions { Model = m }) : null;
        try
        {
            var memory = await MemoryStore.OpenAsync(dir, new MemoryStoreOptions
            {
                Embeddings = generator,
                BackgroundVectorIndexing = false,
                Retrieval = new RetrievalOptions { Mode = mode },
            }, cancellationToken);
            string label = mode == RetrievalMode.Lexical ? "lexical (BM25)" : $"{mode.ToString().ToLowerInvariant()} ({EmbeddedSentenceGenerator.ModelId(chosen!.Value)})";
            return new EvalSession(dir, given, generator, memory, mode, label);
        }
        catch
        {
            generator?.Dispose();
            if (given is null) TryDelete(dir);
            throw;
        }
    }

    public Task<IReadOnlyList<SearchHit>> SearchAsync(string query, string stream, int top, CancellationToken cancellationToken) =>
        Memory.SearchAsync(query, SearchFilter.ForStream(stream), top, Mode, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await Memory.DisposeAsync();
        _generator?.Dispose();
        if (_given is null) TryDelete(Directory);
    }

    private static void TryDelete(string dir)
    {
        try { System.IO.Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
