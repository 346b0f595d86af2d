using System.Globalization;
using System.Text;

namespace InfiniteContext.Context;

/// <summary>
/// The prompt text of a context: a heading per non-empty section, one line-group per item, each starting
/// with its citation "[#seq stream id time speaker]" so the model (and a person) can cite it back.
/// </summary>
public static class ContextTextRenderer
{
    public static string Heading(ContextSectionKind kind) => kind switch
    {
        ContextSectionKind.Pinned => "## Pinned\n",
        ContextSectionKind.Evidence => "## Evidence\n",
        _ => "## Recent\n",
    };

    public static string Citation(ContextCitation c)
    {
        var sb = new StringBuilder("[#");
        sb.Append(c.Seq.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(c.Stream);
        if (c.Id is not null) sb.Append(' ').Append(c.Id);
        if (c.Time is { } t) sb.Append(' ').Append(t.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));
        sb.Append(' ').Append(c.Speaker ?? c.Role.ToWire());
        return sb.Append(']').ToString();
    }

    /// <summary>One item as it appears in the prompt, with its trailing newline.</summary>
    public static string Line(ContextCitation citation, string text) => Citation(citation) + " " + text + "\n";

    public static string Render(IEnumerable<(ContextSectionKind Kind, IReadOnlyList<(ContextCitation Citation, string Text)> Items)> sections)
    {
        var sb = new StringBuilder();
        foreach (var (kind, items) in sections)
        {
            if (items.Count == 0) continue;
            if (sb.Length > 0) sb.Append('\n');
            sb.Append(Heading(kind));
            foreach (var (citation, text) in items) sb.Append(Line(citation, text));
        }
        return sb.ToString();
    }
}
