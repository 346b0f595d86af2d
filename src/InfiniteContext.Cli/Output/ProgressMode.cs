namespace InfiniteContext.Cli.Output;

internal enum ProgressMode
{
    /// <summary>A bar when stderr is a terminal, plain lines otherwise.</summary>
    Auto,
    Bar,
    Plain,
    None,
}

internal static class ProgressModes
{
    public static ProgressMode Resolve(ProgressMode requested) => requested switch
    {
        ProgressMode.Auto => Console.IsErrorRedirected || Environment.GetEnvironmentVariable("CI") is { Length: > 0 } ? ProgressMode.Plain : ProgressMode.Bar,
        _ => requested,
    };
}
