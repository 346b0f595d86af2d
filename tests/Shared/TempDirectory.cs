using System.Text;

namespace InfiniteContext.Testing;

/// <summary>
/// A fresh directory per test, removed afterwards: tests run against real files. Linked into every test
/// project (a Compile item in each .csproj), so there is one copy.
/// </summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "infctx-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes UTF-8 (no BOM) text at a path relative to the directory, creating folders; returns the full path.</summary>
    public string Write(string relativePath, string content) => Write(relativePath, new UTF8Encoding(false).GetBytes(content));

    public string Write(string relativePath, byte[] content)
    {
        string full = System.IO.Path.Combine(Path, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        System.IO.File.WriteAllBytes(full, content);
        return full;
    }

    public void Dispose()
    {
        // Best effort: a leftover temp directory must not fail the test that used it.
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
