using System.Runtime.CompilerServices;
using System.Text.Json;
using InfiniteContext.Text;

namespace InfiniteContext.Ingest;

/// <summary>
/// Plain text and Markdown, read line by line and cut into chunks of at most
/// <see cref="IngestReaderOptions.MaxChunkTokens"/> tokens (see <see cref="MarkdownChunker"/>). Each chunk: Stream =
/// the default stream or the file name without extension; ExternalId = "{source}#L{start}-L{end}" (1-based inclusive
/// lines); Session = the heading path ("Guide > Install") or null; Role = User, no speaker;
/// Meta = {"file","lines":[start,end],"heading"}. Lines that are not valid UTF-8 or too long are reported and left out.
/// </summary>
public sealed class TextEntryReader(ITokenCounter tokenCounter) : IEntryReader
{
    public IngestFormat Format => IngestFormat.Text;

    public async IAsyncEnumerable<IngestItem> ReadAsync(Stream input, string sourceName, IngestReaderOptions options,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string stream = !string.IsNullOrWhiteSpace(options.DefaultStream) ? options.DefaultStream : StreamNames.FromSource(sourceName);
        var chunker = new MarkdownChunker(tokenCounter, options.MaxChunkTokens);
        var chunks = new List<TextChunk>();
        using var lines = new Utf8LineReader(input);
        while (await lines.ReadLineAsync(cancellationToken))
        {
            string line;
            if (lines.IsTooLong)
            {
                yield return IngestItem.Fail(new IngestProblem(sourceName, lines.LineNumber, null, $"line is longer than {Utf8LineReader.DefaultMaxLineBytes:N0} bytes; left out"));
                line = "";
            }
            else if (!StrictUtf8.TryDecode(lines.Line.Span, out line))
            {
                yield return IngestItem.Fail(new IngestProblem(sourceName, lines.LineNumber, null, "invalid UTF-8; line left out"));
                line = "";
            }
            // A left-out line still counts as a (blank) line, so the chunks around it keep exact line ranges.
            chunker.AddLine(lines.LineNumber, line, chunks);
            foreach (TextChunk chunk in chunks) yield return IngestItem.Ok(ToEntry(chunk, stream, sourceName));
            chunks.Clear();
        }
        chunker.Complete(chunks);
        foreach (TextChunk chunk in chunks) yield return IngestItem.Ok(ToEntry(chunk, stream, sourceName));
    }

    private static NewEntry ToEntry(TextChunk chunk, string stream, string sourceName) => new()
    {
        Stream = stream,
        ExternalId = $"{sourceName}#L{chunk.StartLine}-L{chunk.EndLine}",
        Session = chunk.HeadingPath,
        Role = EntryRole.User,
        Text = chunk.Text,
        Meta = Meta(chunk, sourceName),
    };

    private static string Meta(TextChunk chunk, string sourceName)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("file", sourceName);
            writer.WriteStartArray("lines");
            writer.WriteNumberValue(chunk.StartLine);
            writer.WriteNumberValue(chunk.EndLine);
            writer.WriteEndArray();
            if (chunk.HeadingPath is null) writer.WriteNull("heading");
            else writer.WriteString("heading", chunk.HeadingPath);
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
