using System.Globalization;

namespace InfiniteContext.Cli.Output;

internal static class Citation
{
    /// <summary>"[#seq stream id time speaker]": the same shape the context renderer uses, so a human can follow either back to the log.</summary>
    public static string Of(Entry e)
    {
        var parts = new List<string>(5) { "#" + e.Seq.ToString(CultureInfo.InvariantCulture), e.Stream };
        if (e.ExternalId is not null) parts.Add(e.ExternalId);
        if (e.Time is { } t) parts.Add(t.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));
        if (e.Speaker is not null) parts.Add(e.Speaker);
        return "[" + string.Join(' ', parts) + "]";
    }
}
