using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using InfiniteContext.Cli.Output;
using InfiniteContext.Embeddings;
using InfiniteContext.Evaluation;
using InfiniteContext.Retrieval;

namespace InfiniteContext.Cli.Commands;

/// <summary>
/// <c>infctx eval niah</c>: needle in a haystack at 1M-100M tokens. Each size is one store, built by streaming
/// a generated haystack with the needles through normal ingest; every probe is a normal search. Writes
/// niah.json and the depth x length heatmap niah.svg (and niah.png when a renderer is on the machine).
/// </summary>
internal static class EvalNiahCommand
{
    public static Command Create()
    {
        var sizes = new Option<string>("--sizes") { Description = "Haystack sizes in tokens, comma-separated: 1M, 10M, 100M, 20K, 500000.", DefaultValueFactory = _ => "1M" };
        var depths = new Option<string>("--depths") { Description = "Needle depths in percent of the haystack, comma-separated.", DefaultValueFactory = _ => "0,25,50,75,100" };
        var variant = new Option<string>("--variant") { Description = "single, multi, near-miss, non-literal, a comma-separated list, or all.", DefaultValueFactory = _ => "all" };
        var seed = new Option<int>("--seed") { Description = "Seed of the haystack and the needles: the same seed gives the same results (timings aside).", DefaultValueFactory = _ => 42 };
        var top = new Option<int>("--top") { Description = "The k of 'within the top k' (hits asked for per question).", DefaultValueFactory = _ => 10 };
        var needles = new Option<int>("--needles") { Description = "Probes per (size, depth, variant) cell.", DefaultValueFactory = _ => 3 };
        var distractors = new Option<int>("--distractors") { Description = "Near-miss distractors per needle.", DefaultValueFactory = _ => 2 };
        var multi = new Option<int>("--multi-needles") { Description = "Needles per multi-needle group.", DefaultValueFactory = _ => 3 };
        var outDir = new Option<string>("--out") { Description = "Folder for niah.json, niah.svg and niah.png.", DefaultValueFactory = _ => "niah-results" };
        var store = new Option<string?>("--store") { Description = "Folder to keep the haystack stores in (one sub-folder per size; default: temporary, removed after each size)." };
        var reuse = new Option<bool>("--reuse")
        {
            Description = "Ask the questions again of the haystack stores an earlier run kept under --store (same sizes, seed and needle options): no ingest or embedding; each store is checked to hold exactly that haystack first. For measuring a retrieval change at 10M-100M tokens.",
        };
        var model = new Option<string>("--model")
        {
            Description = "Embedding model: none (lexical, the default: embedding 1M+ tokens takes long on a CPU), arctic-xs, arctic-xs-int8 or minilm (fused retrieval; needed for non-literal needles).",
            DefaultValueFactory = _ => "none",
        };
        var approximateFrom = new Option<int?>("--approximate-from")
        {
            Description = "Vectors from which the dense channel answers from the approximate (IVF) index instead of the exact scan (default: the store's default, 1048576; 0: exact scans only, without the projected first pass either). For measuring the index on needles.",
        };
        var progress = CommonOptions.Progress();
        var json = CommonOptions.Json();
        var cmd = new Command("niah", "Needle in a haystack at 1M-100M tokens: rank-1 and top-k accuracy by depth and length, with a heatmap.")
        {
            sizes, depths, variant, seed, top, needles, distractors, multi, outDir, store, reuse, model, approximateFrom, progress, json,
        };
        cmd.SetAction((result, ct) => CommandRunner.RunAsync(async () =>
        {
            var sizeList = ParseSizes(result.GetValue(sizes)!);
            var options = new NiahOptions
            {
                Seed = result.GetValue(seed),
                Depths = ParseDepths(result.GetValue(depths)!),
                Variants = ParseVariants(result.GetValue(variant)!),
                NeedlesPerCell = result.GetValue(needles),
                Top = result.GetValue(top),
                Needles = new NeedleOptions { Distractors = result.GetValue(distractors), MultiNeedles = result.GetValue(multi) },
            };
            options.Validate();
            var chosen = Models.ParseEmbedded(result.GetValue(model));
            var vectorIndex = result.GetValue(approximateFrom) is { } from
                ? from > 0 ? new Vectors.VectorIndexOptions { ApproximateFrom = from }
                    : from == 0 ? Vectors.VectorIndexOptions.ExactOnly
                    : throw new CliUsageException($"--approximate-from {from}: a vector count, 0 or more.")
                : Vectors.VectorIndexOptions.Default;
            string? storeRoot = result.GetValue(store);
            string output = Path.GetFullPath(result.GetValue(outDir)!);
            var mode = ProgressModes.Resolve(result.GetValue(progress));
            var notes = new List<string>();
            string retrieval = chosen is { } m ? $"fused ({EmbeddedSentenceGenerator.ModelId(m)})" : "lexical (BM25)";
            if (options.Variants.Contains(NeedleVariant.NonLiteral))
            {
                if (chosen is null)
                    notes.Add("non-literal needles share no content word with their question, so lexical retrieval (--model none) is expected to miss them; they are scored anyway. Pass --model arctic-xs to measure dense retrieval on them.");
                if (options.ProbesPerCell(NeedleVariant.NonLiteral) < options.NeedlesPerCell)
                    notes.Add(string.Create(CultureInfo.InvariantCulture, $"non-literal cells hold {options.ProbesPerCell(NeedleVariant.NonLiteral)} probes, not {options.NeedlesPerCell}: {NeedleFactory.NonLiteralCapacity} non-literal facts exist, shared by {options.Depths.Count} depths."));
            }
            foreach (var note in notes) Console.Error.WriteLine($"infctx: note: {note}");

            bool reusing = result.GetValue(reuse);
            if (reusing && storeRoot is null) throw new CliUsageException("--reuse asks the stores a run kept under --store: give that --store.");
            if (storeRoot is not null)
                foreach (var (label, _) in sizeList)
                {
                    bool holds = Directory.Exists(SizeStore(storeRoot, label)) && Directory.EnumerateFileSystemEntries(SizeStore(storeRoot, label)).Any();
                    if (holds && !reusing)
                        throw new CliUsageException($"'{SizeStore(storeRoot, label)}' is not empty; a haystack is built in an empty store. Remove it, choose another --store, or pass --reuse to ask it again.");
                    if (!holds && reusing)
                        throw new CliUsageException($"--reuse: '{SizeStore(storeRoot, label)}' holds no kept haystack; run once without --reuse to build it.");
                }

            using var generator = chosen is { } cm ? new EmbeddedSentenceGenerator(new EmbeddedModelOptions { Model = cm }) : null;
            var evaluator = new NiahEvaluator(options);
            var results = new List<NiahSizeResult>();
            foreach (var (label, tokens) in sizeList)
            {
                string dir = storeRoot is null ? Path.Combine(Path.GetTempPath(), "infctx-niah-" + Guid.NewGuid().ToString("N")[..8]) : SizeStore(storeRoot, label);
                try
                {
                    var display = new ProgressDisplay(mode, $"niah {label}", TimeSpan.FromSeconds(2));
                    var sizeResult = await display.RunAsync(async report =>
                    {
                        await using var memory = await MemoryStore.OpenAsync(dir, new MemoryStoreOptions
                        {
                            Embeddings = generator,
                            BackgroundVectorIndexing = false,
                            VectorIndex = vectorIndex,
                            Retrieval = new RetrievalOptions { Mode = chosen is null ? RetrievalMode.Lexical : RetrievalMode.Fused },
                        }, ct);
                        var reporter = new SyncProgress<NiahProgress>(p => report(p.Done, p.Total, Status(p)));
                        if (reusing) return await evaluator.RequeryAsync(memory, label, tokens, reporter, ct);
                        var built = await evaluator.RunAsync(memory, label, tokens, reporter, ct);
                        // A kept store is a store like any other: infctx stats and search find its model.
                        if (storeRoot is not null && generator is not null) Models.Remember(memory.Directory, ModelDescriptor.ForEmbedded(chosen!.Value), generator);
                        return built;
                    });
                    display.Done(string.Create(CultureInfo.InvariantCulture,
                        $"{sizeResult.Entries:N0} entries, {sizeResult.StoredTokens:N0} tokens {(sizeResult.Timings.ReusedStoreCheckSeconds is { } check ? $"in the kept store (checked in {check:0.0}s)" : $"stored in {sizeResult.Timings.GenerateAndIngestSeconds:0.0}s")}; {sizeResult.Cells.Sum(c => c.AtRank1)}/{sizeResult.Cells.Sum(c => c.Probes)} probes at rank 1; query p50 {sizeResult.Timings.QueryP50Ms:0.###} ms"));
                    results.Add(sizeResult);
                }
                finally
                {
                    if (storeRoot is null)
                    {
                        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
                    }
                }
            }

            Directory.CreateDirectory(output);
            string jsonPath = Path.Combine(output, "niah.json"), svgPath = Path.Combine(output, "niah.svg"), pngPath = Path.Combine(output, "niah.png");
            var cells = results.SelectMany(r => r.Cells).ToList();
            var variantNames = options.Variants.Select(v => v.ToWire()).ToList();
            string subtitle = string.Create(CultureInfo.InvariantCulture,
                $"rank-1 accuracy per (depth, length) cell, {options.NeedlesPerCell} probe(s) per cell; retrieval {retrieval}; seed {options.Seed}; infctx eval niah");
            await using (var svg = File.Create(svgPath))
                HeatmapSvg.Write(svg, "Needle in a haystack", subtitle, variantNames, sizeList.Select(s => s.Label).ToList(), options.Depths, cells);
            var (pngOk, pngNote) = await PngRenderer.TryRenderAsync(svgPath, pngPath, ct);
            if (!pngOk)
            {
                if (File.Exists(pngPath)) File.Delete(pngPath); // never leave a stale picture of an earlier run beside the new JSON
                Console.Error.WriteLine($"infctx: note: {pngNote}");
            }

            var document = new
            {
                benchmark = "niah",
                seed = options.Seed,
                retrieval,
                top = options.Top,
                needlesPerCell = options.NeedlesPerCell,
                distractors = options.Needles.Distractors,
                multiNeedles = options.Needles.MultiNeedles,
                depths = options.Depths,
                variants = variantNames,
                summary = options.Variants.Select(v => Summary(v.ToWire(), cells.Where(c => c.Variant == v.ToWire()).ToList())).ToList(),
                sizes = results.Select(r => new
                {
                    size = r.Size, r.TargetTokens, r.HaystackTokens, r.StoredTokens, r.Entries, r.NeedleEntries, r.Vectors, timings = r.Timings,
                }).ToList(),
                cells = cells.Select(c => new { c.Variant, c.Size, c.Depth, c.Probes, c.AtRank1, c.WithinTopK, c.DistractorAtRank1, c.Rank1Rate, c.TopKRate }).ToList(),
                misses = results.SelectMany(r => r.Misses).ToList(),
                notes,
                files = new { json = jsonPath, svg = svgPath, png = pngOk ? pngPath : null },
            };
            await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(document, new JsonSerializerOptions(WireJson.Options) { WriteIndented = true }) + "\n", ct);

            if (result.GetValue(json))
            {
                JsonOutput.WriteLine(document);
                return ExitCodes.Ok;
            }
            PrintTables(options, sizeList.Select(s => s.Label).ToList(), results, cells, retrieval);
            Console.Out.WriteLine($"wrote {jsonPath}");
            Console.Out.WriteLine($"wrote {svgPath}");
            if (pngOk) Console.Out.WriteLine($"wrote {pngPath}");
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    private static string SizeStore(string root, string label) => Path.Combine(root, "niah-" + label);

    private static string Status(NiahProgress p) => p.Phase switch
    {
        "haystack" => string.Create(CultureInfo.InvariantCulture, $"haystack {p.Done:N0} of {p.Total:N0} tokens stored"),
        "vectors" => string.Create(CultureInfo.InvariantCulture, $"embedded {p.Done:N0} of {p.Total:N0} entries"),
        "check" => string.Create(CultureInfo.InvariantCulture, $"checked {p.Done:N0} of {p.Total:N0} tokens of the kept haystack"),
        _ => string.Create(CultureInfo.InvariantCulture, $"asked {p.Done:N0} of {p.Total:N0} questions"),
    };

    private static object Summary(string variant, IReadOnlyList<NiahCell> cells)
    {
        int probes = cells.Sum(c => c.Probes);
        return new
        {
            variant,
            probes,
            atRank1 = cells.Sum(c => c.AtRank1),
            withinTopK = cells.Sum(c => c.WithinTopK),
            distractorAtRank1 = cells.Sum(c => c.DistractorAtRank1),
            rank1Rate = probes == 0 ? 0 : Math.Round((double)cells.Sum(c => c.AtRank1) / probes, 4),
            topKRate = probes == 0 ? 0 : Math.Round((double)cells.Sum(c => c.WithinTopK) / probes, 4),
        };
    }

    private static void PrintTables(NiahOptions options, IReadOnlyList<string> sizes, IReadOnlyList<NiahSizeResult> results, IReadOnlyList<NiahCell> cells, string retrieval)
    {
        var inv = CultureInfo.InvariantCulture;
        var o = Console.Out;
        o.WriteLine($"needle in a haystack, retrieval {retrieval}, seed {options.Seed}, top {options.Top}");
        o.WriteLine("| size | entries | tokens stored | ingest s | tokens/s | embed s | query p50 ms | query p99 ms |");
        o.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in results)
            o.WriteLine(r.Timings.ReusedStoreCheckSeconds is null
                ? string.Create(inv, $"| {r.Size} | {r.Entries:N0} | {r.StoredTokens:N0} | {r.Timings.GenerateAndIngestSeconds:0.0} | {r.Timings.TokensPerSecond:N0} | {r.Timings.IndexSeconds:0.0} | {r.Timings.QueryP50Ms:0.###} | {r.Timings.QueryP99Ms:0.###} |")
                : string.Create(inv, $"| {r.Size} | {r.Entries:N0} | {r.StoredTokens:N0} | kept store | | | {r.Timings.QueryP50Ms:0.###} | {r.Timings.QueryP99Ms:0.###} |"));
        o.WriteLine();
        o.WriteLine("query latency per variant, p50 / p99 ms");
        o.WriteLine("| variant | " + string.Join(" | ", results.Select(r => r.Size)) + " |");
        o.WriteLine("| --- | " + string.Join(" | ", results.Select(_ => "---:")) + " |");
        foreach (var variant in options.Variants.Select(v => v.ToWire()))
            o.WriteLine($"| {variant} | " + string.Join(" | ", results.Select(r => r.Timings.Variants.FirstOrDefault(v => v.Variant == variant) is { } l
                ? string.Create(inv, $"{l.QueryP50Ms:0.###} / {l.QueryP99Ms:0.###}") : "-")) + " |");
        foreach (var variant in options.Variants.Select(v => v.ToWire()))
        {
            o.WriteLine();
            o.WriteLine($"{variant}: rank 1 (top {options.Top}) per depth and size");
            o.WriteLine("| depth | " + string.Join(" | ", sizes) + " |");
            o.WriteLine("| ---: | " + string.Join(" | ", sizes.Select(_ => "---:")) + " |");
            foreach (int depth in options.Depths)
            {
                var row = sizes.Select(size => cells.FirstOrDefault(c => c.Variant == variant && c.Size == size && c.Depth == depth) is { } c
                    ? string.Create(inv, $"{c.AtRank1}/{c.Probes} ({c.WithinTopK}/{c.Probes})")
                    : "n/a");
                o.WriteLine(string.Create(inv, $"| {depth}% | ") + string.Join(" | ", row) + " |");
            }
            var all = cells.Where(c => c.Variant == variant).ToList();
            int probes = all.Sum(c => c.Probes);
            o.WriteLine(string.Create(inv, $"{variant}: {all.Sum(c => c.AtRank1)}/{probes} at rank 1, {all.Sum(c => c.WithinTopK)}/{probes} within top {options.Top}")
                + (all.Sum(c => c.DistractorAtRank1) is > 0 and var d ? string.Create(inv, $", a distractor at rank 1 {d} times") : ""));
        }
    }

    /// <summary>"1M" -> 1,000,000 labelled "1M"; "20K", "1.5M", "2G" and plain numbers too. At least 1,000 tokens.</summary>
    internal static List<(string Label, long Tokens)> ParseSizes(string text)
    {
        var sizes = new List<(string, long)>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string digits = part.ToUpperInvariant();
            double scale = digits[^1] switch { 'K' => 1e3, 'M' => 1e6, 'G' or 'B' => 1e9, _ => 1 };
            if (scale > 1) digits = digits[..^1];
            if (!double.TryParse(digits, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value) || value * scale < 1000 || value * scale > 1e11)
                throw new CliUsageException($"--sizes: '{part}' is not a token count from 1K to 100G (examples: 20K, 1M, 100M).");
            long tokens = (long)Math.Round(value * scale);
            string label = tokens % 1_000_000_000 == 0 ? $"{tokens / 1_000_000_000}G"
                : tokens % 1_000_000 == 0 ? $"{tokens / 1_000_000}M"
                : tokens % 1_000 == 0 ? $"{tokens / 1_000}K"
                : tokens.ToString(CultureInfo.InvariantCulture);
            if (sizes.Any(s => s.Item1 == label)) throw new CliUsageException($"--sizes: '{part}' is given twice.");
            sizes.Add((label, tokens));
        }
        if (sizes.Count == 0) throw new CliUsageException("--sizes: give at least one size, e.g. --sizes 1M,10M.");
        return sizes.OrderBy(s => s.Item2).ToList();
    }

    private static List<int> ParseDepths(string text)
    {
        var depths = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part.TrimEnd('%'), NumberStyles.None, CultureInfo.InvariantCulture, out int d) || d > 100)
                throw new CliUsageException($"--depths: '{part}' is not a whole percentage from 0 to 100.");
            if (depths.Contains(d)) throw new CliUsageException($"--depths: {d} is given twice.");
            depths.Add(d);
        }
        if (depths.Count == 0) throw new CliUsageException("--depths: give at least one depth, e.g. --depths 0,50,100.");
        depths.Sort();
        return depths;
    }

    private static List<NeedleVariant> ParseVariants(string text)
    {
        if (text.Trim().Equals("all", StringComparison.OrdinalIgnoreCase)) return [.. NeedleVariants.All];
        try
        {
            var list = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(NeedleVariants.Parse).Distinct().ToList();
            return list.Count > 0 ? list : throw new CliUsageException("--variant: give single, multi, near-miss, non-literal or all.");
        }
        catch (ArgumentException ex)
        {
            throw new CliUsageException("--variant: " + ex.Message);
        }
    }
}
