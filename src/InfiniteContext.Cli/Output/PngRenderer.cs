using System.Diagnostics;
using System.Globalization;
using System.Xml.Linq;

namespace InfiniteContext.Cli.Output;

/// <summary>
/// Turns an SVG into a PNG with whatever renderer the machine already has (rsvg-convert, or a headless
/// Chromium/Chrome); nothing is installed or downloaded. Returns why not when there is none, so the
/// caller can say so and carry on: the SVG is the result, the PNG a convenience.
/// </summary>
internal static class PngRenderer
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static async Task<(bool Ok, string Note)> TryRenderAsync(string svgPath, string pngPath, CancellationToken cancellationToken)
    {
        if (FindOnPath("rsvg-convert") is { } rsvg)
            return await RunAsync(rsvg, ["-o", pngPath, svgPath], pngPath, cancellationToken);
        foreach (var name in new[] { "chromium", "chromium-browser", "google-chrome", "google-chrome-stable" })
        {
            if (FindOnPath(name) is not { } chrome) continue;
            var root = XDocument.Load(svgPath).Root;
            string w = root?.Attribute("width")?.Value ?? "1200", h = root?.Attribute("height")?.Value ?? "600";
            return await RunAsync(chrome,
                ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--hide-scrollbars",
                 $"--window-size={w},{h}", $"--screenshot={pngPath}", new Uri(Path.GetFullPath(svgPath)).AbsoluteUri],
                pngPath, cancellationToken);
        }
        return (false, "no PNG written: neither rsvg-convert nor a headless Chromium is on PATH (the SVG is complete on its own)");
    }

    private static async Task<(bool, string)> RunAsync(string exe, string[] args, string pngPath, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(psi);
            if (p is null) return (false, $"no PNG written: could not start {exe}");
            var stderr = p.StandardError.ReadToEndAsync(cancellationToken);
            _ = p.StandardOutput.ReadToEndAsync(cancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Timeout);
            try
            {
                await p.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                p.Kill(entireProcessTree: true);
                return (false, string.Create(CultureInfo.InvariantCulture, $"no PNG written: {Path.GetFileName(exe)} took longer than {Timeout.TotalSeconds:0}s"));
            }
            if (p.ExitCode == 0 && File.Exists(pngPath)) return (true, $"PNG rendered with {Path.GetFileName(exe)}");
            string why = (await stderr).Trim();
            return (false, $"no PNG written: {Path.GetFileName(exe)} exited {p.ExitCode}{(why.Length > 0 ? ": " + why.Split('\n')[0] : "")}");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (false, $"no PNG written: {ex.Message}");
        }
    }

    private static string? FindOnPath(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
