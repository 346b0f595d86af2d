using System.Text;

namespace InfiniteContext.Ingest;

/// <summary>
/// Decodes input bytes refusing invalid UTF-8: a corrupted byte must surface as a problem on its line,
/// not be silently replaced with U+FFFD and stored as if it were the source text.
/// </summary>
internal static class StrictUtf8
{
    private static readonly UTF8Encoding Encoding = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static bool TryDecode(ReadOnlySpan<byte> bytes, out string text)
    {
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            text = "";
            return false;
        }
        text = Encoding.GetString(bytes);
        return true;
    }

    public static bool IsValid(ReadOnlySpan<byte> bytes) => System.Text.Unicode.Utf8.IsValid(bytes);

    /// <summary>Offset of the first byte that does not start a valid UTF-8 sequence, or -1.</summary>
    public static int IndexOfInvalid(ReadOnlySpan<byte> bytes)
    {
        int offset = 0;
        while (offset < bytes.Length)
        {
            if (Rune.DecodeFromUtf8(bytes[offset..], out _, out int consumed) != System.Buffers.OperationStatus.Done) return offset;
            offset += consumed;
        }
        return -1;
    }
}
