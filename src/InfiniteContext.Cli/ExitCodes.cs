namespace InfiniteContext.Cli;

/// <summary>Process exit codes: stable, so scripts can branch on them.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>Unexpected failure (I/O error, bug).</summary>
    public const int Failure = 1;
    /// <summary>Bad input: a malformed record with --on-error abort, an unknown format, an invalid argument.</summary>
    public const int BadInput = 2;
    /// <summary>The store does not exist or is not a store.</summary>
    public const int StoreNotFound = 3;
    /// <summary>Another process holds the store's writer lock.</summary>
    public const int StoreLocked = 4;
    /// <summary>The embeddings endpoint could not be reached or answered with an error or unusable vectors.</summary>
    public const int EndpointFailed = 5;
}
