using System.Buffers.Binary;
using InfiniteContext.Indexing;

namespace InfiniteContext.Embeddings.Quantization;

/// <summary>
/// Quantized models kept on disk so a process does not rewrite the fp32 model at every start (a one-shot
/// <c>infctx search</c> paid for it on every call). Derived data only: a file is named by everything its bytes
/// depend on (the source package build, the weight levels, the quantizer's format), ends with a checksum of its
/// bytes, and appears under its name only once whole (written aside, then renamed). A file that does not verify is
/// ignored and rewritten; a directory that cannot be written leaves the model quantized in memory, as without a cache.
/// </summary>
internal static class QuantizedModelCache
{
    /// <summary>The cache file for <paramref name="key"/> under <paramref name="directory"/>.</summary>
    public static string PathOf(string directory, string key) => Path.Combine(directory, key + ".onnx");

    /// <summary>The model bytes stored for <paramref name="key"/>, or null when there are none or they do not verify.</summary>
    public static byte[]? TryRead(string directory, string key)
    {
        // The model is read straight into an array of its own length (ONNX Runtime takes the array), the checksum apart.
        byte[] body;
        Span<byte> check = stackalloc byte[8];
        try
        {
            using var file = new FileStream(PathOf(directory, key), FileMode.Open, FileAccess.Read, FileShare.Read);
            if (file.Length <= 8 || file.Length - 8 > Array.MaxLength) return null;
            body = new byte[file.Length - 8];
            file.ReadExactly(body);
            file.ReadExactly(check);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return null;
        }
        return ContentHash.Compute(body) == BinaryPrimitives.ReadUInt64LittleEndian(check) ? body : null;
    }

    /// <summary>Stores <paramref name="model"/> for <paramref name="key"/>; false (and nothing left behind) when the directory cannot take it.</summary>
    public static bool TryWrite(string directory, string key, ReadOnlySpan<byte> model)
    {
        string path = PathOf(directory, key);
        string aside = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            Directory.CreateDirectory(directory);
            using (var file = new FileStream(aside, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                file.Write(model);
                Span<byte> check = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(check, ContentHash.Compute(model));
                file.Write(check);
                file.Flush(flushToDisk: true);
            }
            File.Move(aside, path, overwrite: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            try
            {
                File.Delete(aside);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // A stray .tmp file is never read; nothing more to do.
            }
            return false;
        }
    }
}
