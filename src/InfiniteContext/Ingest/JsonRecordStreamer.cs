using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace InfiniteContext.Ingest;

/// <summary>One value of a JSON document: an element of its top-level array (or the top-level value itself) and the line it starts on.</summary>
internal readonly record struct JsonRecord(JsonDocument? Document, long Line, string? Error)
{
    public bool IsFatal { get; init; }
}

/// <summary>
/// Streams the elements of a top-level JSON array one at a time (a bare top-level value counts as one element),
/// holding only the current element in memory. Each element comes with the 1-based line it starts on, so
/// per-record problems can point into the file. A syntax error ends the stream with a fatal record at the
/// line the JSON reader failed; invalid UTF-8 inside an element is a non-fatal record for that element.
/// </summary>
internal static class JsonRecordStreamer
{
    public const int DefaultMaxElementBytes = 256 * 1024 * 1024;

    private enum Outcome { NeedMoreData, Element, End }

    private struct Cursor
    {
        public JsonReaderState State;
        public bool InArray;
        public bool Started;
        public bool Finished;
    }

    public static async IAsyncEnumerable<JsonRecord> ReadAsync(Stream input, int maxElementBytes = DefaultMaxElementBytes,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int start = 0, end = 0;
            bool eof = false;
            long linesBeforeStart = 0; // newlines in bytes already discarded from the buffer
            var cursor = new Cursor { State = new JsonReaderState(new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip }) };
            while (true)
            {
                (Outcome outcome, int elementStart, int elementEnd, int consumed, string? syntaxError, long errorLine) =
                    Step(buffer.AsSpan(start, end - start), eof, ref cursor);
                if (syntaxError is not null)
                {
                    // Errors the JSON reader raised carry their line; a premature end is placed at the last line read.
                    if (errorLine <= 0) errorLine = linesBeforeStart + CountNewlines(buffer.AsSpan(start, end - start)) + 1;
                    yield return new JsonRecord(null, errorLine, syntaxError) { IsFatal = true };
                    yield break;
                }
                if (outcome == Outcome.End) yield break;
                if (outcome == Outcome.Element)
                {
                    ReadOnlyMemory<byte> element = buffer.AsMemory(start + elementStart, elementEnd - elementStart);
                    long line = linesBeforeStart + CountNewlines(buffer.AsSpan(start, elementStart)) + 1;
                    linesBeforeStart += CountNewlines(buffer.AsSpan(start, consumed));
                    start += consumed;
                    if (!StrictUtf8.IsValid(element.Span))
                    {
                        int bad = StrictUtf8.IndexOfInvalid(element.Span);
                        yield return new JsonRecord(null, line + CountNewlines(element.Span[..bad]), "invalid UTF-8");
                        continue;
                    }
                    // The document points into the buffer, which is only reused after the consumer moves on.
                    JsonDocument document = JsonDocument.Parse(element);
                    try
                    {
                        yield return new JsonRecord(document, line, null);
                    }
                    finally
                    {
                        document.Dispose();
                    }
                    continue;
                }

                // Need more data: keep the unconsumed tail (the partial element), grow if it fills the buffer.
                if (eof)
                {
                    yield return new JsonRecord(null, linesBeforeStart + CountNewlines(buffer.AsSpan(start, end - start)) + 1, "unexpected end of the JSON document") { IsFatal = true };
                    yield break;
                }
                linesBeforeStart += CountNewlines(buffer.AsSpan(start, consumed));
                start += consumed;
                int pending = end - start;
                if (pending > maxElementBytes)
                {
                    yield return new JsonRecord(null, linesBeforeStart + 1, $"a JSON record is larger than {maxElementBytes:N0} bytes") { IsFatal = true };
                    yield break;
                }
                if (start > 0)
                {
                    Buffer.BlockCopy(buffer, start, buffer, 0, pending);
                    start = 0;
                    end = pending;
                }
                if (end == buffer.Length)
                {
                    byte[] larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    Buffer.BlockCopy(buffer, 0, larger, 0, end);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                int read = await input.ReadAsync(buffer.AsMemory(end), cancellationToken);
                if (read == 0) eof = true;
                end += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Advances over the next element in <paramref name="data"/>. On <see cref="Outcome.NeedMoreData"/>,
    /// <c>consumed</c> is how much may be discarded (everything before the partial element) and the cursor is left
    /// at that point so the retry with more data starts there.
    /// </summary>
    private static (Outcome Outcome, int ElementStart, int ElementEnd, int Consumed, string? Error, long ErrorLine) Step(
        ReadOnlySpan<byte> data, bool isFinalBlock, ref Cursor cursor)
    {
        var reader = new Utf8JsonReader(data, isFinalBlock, cursor.State);
        try
        {
            if (cursor.Finished)
            {
                // Only whitespace (or comments) may follow the document.
                if (reader.Read()) return (Outcome.End, 0, 0, 0, "unexpected content after the end of the JSON document", 0);
                return (isFinalBlock ? Outcome.End : Outcome.NeedMoreData, 0, 0, data.Length, null, 0);
            }

            if (!cursor.Started)
            {
                if (!reader.Read())
                {
                    if (isFinalBlock) return (Outcome.End, 0, 0, 0, null, 0);
                    return (Outcome.NeedMoreData, 0, 0, 0, null, 0);
                }
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    cursor.Started = true;
                    cursor.InArray = true;
                    cursor.State = reader.CurrentState;
                    int afterStart = (int)reader.BytesConsumed;
                    return Shift(Step(data[afterStart..], isFinalBlock, ref cursor), afterStart);
                }
                // A bare value: it is the one element.
                int bareStart = (int)reader.TokenStartIndex;
                if (!reader.TrySkip()) return (Outcome.NeedMoreData, 0, 0, 0, null, 0);
                cursor.Started = true;
                cursor.Finished = true;
                cursor.State = reader.CurrentState;
                return (Outcome.Element, bareStart, (int)reader.BytesConsumed, (int)reader.BytesConsumed, null, 0);
            }

            if (!reader.Read()) return (isFinalBlock ? Outcome.End : Outcome.NeedMoreData, 0, 0, 0, isFinalBlock ? "unexpected end of the JSON document" : null, 0);
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                cursor.Finished = true;
                cursor.State = reader.CurrentState;
                int afterEnd = (int)reader.BytesConsumed;
                return Shift(Step(data[afterEnd..], isFinalBlock, ref cursor), afterEnd);
            }
            int elementStart = (int)reader.TokenStartIndex;
            if (!reader.TrySkip()) return (Outcome.NeedMoreData, 0, 0, 0, null, 0);
            cursor.State = reader.CurrentState;
            return (Outcome.Element, elementStart, (int)reader.BytesConsumed, (int)reader.BytesConsumed, null, 0);
        }
        catch (JsonException ex)
        {
            return (Outcome.End, 0, 0, 0, $"malformed JSON: {ex.Message}", (ex.LineNumber ?? 0) + 1);
        }
    }

    private static (Outcome, int, int, int, string?, long) Shift((Outcome Outcome, int ElementStart, int ElementEnd, int Consumed, string? Error, long ErrorLine) step, int offset) =>
        (step.Outcome, step.ElementStart + offset, step.ElementEnd + offset, step.Consumed + offset, step.Error, step.ErrorLine);

    private static long CountNewlines(ReadOnlySpan<byte> bytes) => bytes.Count((byte)'\n');
}
