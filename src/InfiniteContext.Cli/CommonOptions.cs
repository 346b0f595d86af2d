using System.CommandLine;
using InfiniteContext.Cli.Output;

namespace InfiniteContext.Cli;

/// <summary>Options several commands share; one definition so names and help text never drift.</summary>
internal static class CommonOptions
{
    public const string StoreEnvironmentVariable = "INFCTX_STORE";

    public static Option<string> Store() => new("--store")
    {
        Description = $"Store directory (default: ${StoreEnvironmentVariable}).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(StoreEnvironmentVariable) ?? "",
    };

    public static Option<bool> Json() => new("--json") { Description = "Write JSON to stdout (one document, or JSON lines for batches)." };

    public static Option<ProgressMode> Progress() => new("--progress")
    {
        Description = "auto (a bar on a terminal, plain lines otherwise), bar, plain or none; progress goes to stderr.",
        DefaultValueFactory = _ => ProgressMode.Auto,
    };

    public static string RequireStore(ParseResult result, Option<string> store)
    {
        string? value = result.GetValue(store);
        if (string.IsNullOrWhiteSpace(value))
            throw new CliUsageException($"--store is required (or set ${StoreEnvironmentVariable}).");
        return value;
    }
}

/// <summary>An argument the parser accepted but the command cannot use; exit code 2 with the message.</summary>
internal sealed class CliUsageException(string message) : Exception(message);
