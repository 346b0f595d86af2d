using System.Text.Json;
using InfiniteContext.Ingest;
using InfiniteContext.Storage;

namespace InfiniteContext.Cli;

/// <summary>Maps failures to a one-line message on stderr and a stable exit code; no stack traces for expected errors.</summary>
internal static class CommandRunner
{
    public static async Task<int> RunAsync(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("infctx: cancelled");
            return ExitCodes.Failure;
        }
        catch (InfiniteContext.OpenAI.EmbeddingEndpointException ex) { return Fail(ExitCodes.EndpointFailed, ex.Message); }
        catch (CliUsageException ex) { return Fail(ExitCodes.BadInput, ex.Message); }
        catch (IngestException ex) { return Fail(ExitCodes.BadInput, ex.Message); }
        catch (JsonException ex) { return Fail(ExitCodes.BadInput, ex.Message); }
        catch (ArgumentException ex) { return Fail(ExitCodes.BadInput, ex.Message); }
        catch (StoreNotFoundException ex) { return Fail(ExitCodes.StoreNotFound, ex.Message); }
        catch (StoreLockedException ex) { return Fail(ExitCodes.StoreLocked, ex.Message); }
        catch (InfiniteContext.Vectors.VectorModelMismatchException ex) { return Fail(ExitCodes.BadInput, ex.Message); }
        catch (InvalidDataException ex) { return Fail(ExitCodes.StoreNotFound, ex.Message); }
        catch (FileNotFoundException ex) { return Fail(ExitCodes.BadInput, ex.Message); }
        catch (DirectoryNotFoundException ex) { return Fail(ExitCodes.BadInput, ex.Message); }
        catch (UnauthorizedAccessException ex) { return Fail(ExitCodes.Failure, ex.Message); }
        catch (IOException ex) { return Fail(ExitCodes.Failure, ex.Message); }
    }

    public static int Fail(int code, string message)
    {
        Console.Error.WriteLine($"infctx: error: {message}");
        return code;
    }
}
