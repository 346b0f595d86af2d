using System.Buffers;

namespace InfiniteContext.Ingest;

/// <summary>Small byte-level looks at raw input used before a format is known or a line is parsed.</summary>
internal static class InputBytes
{
    private static readonly SearchValues<byte> Whitespace = SearchValues.Create(" \t\r\n"u8);

    /// <summary>The input without a leading UTF-8 byte order mark.</summary>
    public static ReadOnlySpan<byte> WithoutBom(ReadOnlySpan<byte> bytes) =>
        bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? bytes[3..] : bytes;

    /// <summary>Index of the first byte that is not JSON whitespace, or -1.</summary>
    public static int FirstNonWhitespace(ReadOnlySpan<byte> bytes) => bytes.IndexOfAnyExcept(Whitespace);

    public static bool IsBlank(ReadOnlySpan<byte> bytes) => FirstNonWhitespace(bytes) < 0;
}
