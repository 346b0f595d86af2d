using System.Diagnostics;
using System.Text;

namespace InfiniteContext.Cli.Tests.Support;

/// <summary>Runs the real infctx binary (built beside the tests) as a child process.</summary>
public static class CliRunner
{
    public static string DllPath => Path.Combine(AppContext.BaseDirectory, "infctx.dll");

    public static string DotnetHost => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } p && File.Exists(p) ? p : "dotnet";

    public static ProcessStartInfo StartInfo(IEnumerable<string> args, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        psi.ArgumentList.Add(DllPath);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["CI"] = "true";
        psi.Environment.Remove("INFCTX_STORE");
        psi.Environment.Remove("INFCTX_EMBEDDINGS_API_KEY");
        psi.Environment.Remove("INFCTX_EMBEDDINGS_ENDPOINT");
        return psi;
    }

    public static async Task<CliResult> RunAsync(params string[] args) => await RunWithInputAsync(null, args);

    public static Task<CliResult> RunWithInputAsync(string? stdin, params string[] args) => RunAsync(stdin, null, args);

    /// <summary>With extra environment variables for the child (e.g. an API key that must not be on the command line).</summary>
    public static Task<CliResult> RunWithEnvironmentAsync(IReadOnlyDictionary<string, string> environment, params string[] args) => RunAsync(null, environment, args);

    private static async Task<CliResult> RunAsync(string? stdin, IReadOnlyDictionary<string, string>? environment, string[] args)
    {
        var psi = StartInfo(args);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) psi.Environment[name] = value;
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start infctx");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (stdin is not null) await p.StandardInput.WriteAsync(stdin);
        p.StandardInput.Close();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await p.WaitForExitAsync(cts.Token);
        return new CliResult(p.ExitCode, await stdout, await stderr);
    }
}

public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}
