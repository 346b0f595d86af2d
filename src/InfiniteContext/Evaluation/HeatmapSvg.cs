using System.Globalization;
using System.Text;
using System.Xml;

namespace InfiniteContext.Evaluation;

/// <summary>
/// The picture needle-in-a-haystack results are known by: depth (percent of the haystack) down, haystack
/// length across, each cell coloured red-yellow-green by its rank-1 accuracy and labelled with it. One
/// panel per variant, side by side, and a colour legend. Plain SVG 1.1 written through an XmlWriter (so
/// it is well-formed whatever the labels hold); each cell is a rect with class "cell" and data-variant,
/// data-size, data-depth and data-rank1 attributes, so tools and tests can read values back.
/// </summary>
public static class HeatmapSvg
{
    private const int CellWidth = 84;
    private const int CellHeight = 34;
    private const int AxisWidth = 64;
    private const int PanelGap = 28;
    private const int Margin = 20;
    private const int Top = 92;
    private const int Bottom = 56;
    private const int LegendWidth = 90;
    private const int MinWidth = 760; // room for the subtitle when there are few panels
    private const string Font = "DejaVu Sans, Helvetica, Arial, sans-serif";

    public static string Render(string title, string subtitle, IReadOnlyList<string> variants, IReadOnlyList<string> sizes, IReadOnlyList<int> depths, IReadOnlyList<NiahCell> cells)
    {
        using var buffer = new MemoryStream();
        Write(buffer, title, subtitle, variants, sizes, depths, cells);
        return new UTF8Encoding(false).GetString(buffer.ToArray());
    }

    /// <summary>Writes UTF-8 (no byte-order mark) SVG to <paramref name="output"/>.</summary>
    public static void Write(Stream output, string title, string subtitle, IReadOnlyList<string> variants, IReadOnlyList<string> sizes, IReadOnlyList<int> depths, IReadOnlyList<NiahCell> cells)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(variants);
        ArgumentNullException.ThrowIfNull(sizes);
        ArgumentNullException.ThrowIfNull(depths);
        ArgumentNullException.ThrowIfNull(cells);
        var byKey = new Dictionary<(string, string, int), NiahCell>();
        foreach (var c in cells) byKey[(c.Variant, c.Size, c.Depth)] = c;

        int panelWidth = AxisWidth + sizes.Count * CellWidth;
        int width = Math.Max(MinWidth, Margin * 2 + variants.Count * panelWidth + Math.Max(0, variants.Count - 1) * PanelGap + LegendWidth);
        int gridHeight = depths.Count * CellHeight;
        int height = Top + gridHeight + Bottom;

        using var x = XmlWriter.Create(output, new XmlWriterSettings { Indent = true, OmitXmlDeclaration = false, Encoding = new UTF8Encoding(false), CloseOutput = false });
        x.WriteStartDocument();
        x.WriteStartElement("svg", "http://www.w3.org/2000/svg");
        x.WriteAttributeString("version", "1.1");
        x.WriteAttributeString("width", Num(width));
        x.WriteAttributeString("height", Num(height));
        x.WriteAttributeString("viewBox", $"0 0 {Num(width)} {Num(height)}");
        x.WriteAttributeString("font-family", Font);
        Rect(x, 0, 0, width, height, "#ffffff", null);
        Text(x, Margin, 28, title, 18, "start", bold: true);
        Text(x, Margin, 50, subtitle, 12, "start", fill: "#444444");

        for (int v = 0; v < variants.Count; v++)
        {
            int left = Margin + v * (panelWidth + PanelGap);
            int gridLeft = left + AxisWidth;
            Text(x, gridLeft + sizes.Count * CellWidth / 2, Top - 14, variants[v], 14, "middle", bold: true);
            for (int r = 0; r < depths.Count; r++)
                Text(x, gridLeft - 8, Top + r * CellHeight + CellHeight / 2 + 4, depths[r].ToString(CultureInfo.InvariantCulture) + "%", 11, "end");
            for (int s = 0; s < sizes.Count; s++)
            {
                Text(x, gridLeft + s * CellWidth + CellWidth / 2, Top + gridHeight + 18, sizes[s], 11, "middle");
                for (int r = 0; r < depths.Count; r++)
                {
                    int cx = gridLeft + s * CellWidth, cy = Top + r * CellHeight;
                    byKey.TryGetValue((variants[v], sizes[s], depths[r]), out var cell);
                    x.WriteStartElement("rect");
                    x.WriteAttributeString("class", "cell");
                    x.WriteAttributeString("x", Num(cx));
                    x.WriteAttributeString("y", Num(cy));
                    x.WriteAttributeString("width", Num(CellWidth));
                    x.WriteAttributeString("height", Num(CellHeight));
                    x.WriteAttributeString("fill", cell is null ? "#dddddd" : Colour(cell.Rank1Rate));
                    x.WriteAttributeString("stroke", "#ffffff");
                    x.WriteAttributeString("data-variant", variants[v]);
                    x.WriteAttributeString("data-size", sizes[s]);
                    x.WriteAttributeString("data-depth", depths[r].ToString(CultureInfo.InvariantCulture));
                    if (cell is not null) x.WriteAttributeString("data-rank1", cell.Rank1Rate.ToString("0.####", CultureInfo.InvariantCulture));
                    x.WriteStartElement("title");
                    x.WriteString(cell is null
                        ? $"{variants[v]}, {sizes[s]}, depth {depths[r]}%: not run"
                        : string.Create(CultureInfo.InvariantCulture, $"{variants[v]}, {sizes[s]}, depth {depths[r]}%: rank 1 {cell.AtRank1}/{cell.Probes}, top k {cell.WithinTopK}/{cell.Probes}"));
                    x.WriteEndElement();
                    x.WriteEndElement();
                    string label = cell is null ? "n/a" : string.Create(CultureInfo.InvariantCulture, $"{cell.Rank1Rate * 100:0}%");
                    Text(x, cx + CellWidth / 2, cy + CellHeight / 2 + 5, label, 13, "middle", fill: "#111111");
                }
            }
            Text(x, gridLeft + sizes.Count * CellWidth / 2, Top + gridHeight + 40, "haystack length (tokens)", 11, "middle", fill: "#444444");
            if (v == 0) VerticalText(x, left + 12, Top + gridHeight / 2, "needle depth", 11);
        }

        // Legend: a vertical gradient from 0% (bottom) to 100% (top) in the cells' colour scale.
        int legendLeft = Margin + variants.Count * panelWidth + Math.Max(0, variants.Count - 1) * PanelGap + 24;
        x.WriteStartElement("defs");
        x.WriteStartElement("linearGradient");
        x.WriteAttributeString("id", "accuracy");
        x.WriteAttributeString("x1", "0");
        x.WriteAttributeString("y1", "1");
        x.WriteAttributeString("x2", "0");
        x.WriteAttributeString("y2", "0");
        foreach (double stop in new[] { 0.0, 0.5, 1.0 })
        {
            x.WriteStartElement("stop");
            x.WriteAttributeString("offset", Num(stop));
            x.WriteAttributeString("stop-color", Colour(stop));
            x.WriteEndElement();
        }
        x.WriteEndElement();
        x.WriteEndElement();
        Rect(x, legendLeft, Top, 16, gridHeight, "url(#accuracy)", "#999999");
        Text(x, legendLeft + 22, Top + 10, "100%", 10, "start");
        Text(x, legendLeft + 22, Top + gridHeight / 2 + 4, "50%", 10, "start");
        Text(x, legendLeft + 22, Top + gridHeight, "0%", 10, "start");
        Text(x, legendLeft - 4, Top + gridHeight + 18, "rank-1", 10, "start", fill: "#444444");
        x.WriteEndElement();
        x.WriteEndDocument();
    }

    /// <summary>Red (0) through yellow (0.5) to green (1): the scale readers of these charts expect.</summary>
    public static string Colour(double value)
    {
        value = Math.Clamp(double.IsNaN(value) ? 0 : value, 0, 1);
        (int R, int G, int B) red = (215, 48, 39), yellow = (254, 224, 139), green = (26, 152, 80);
        var (a, b, t) = value < 0.5 ? (red, yellow, value / 0.5) : (yellow, green, (value - 0.5) / 0.5);
        int Mix(int p, int q) => (int)Math.Round(p + (q - p) * t);
        return string.Create(CultureInfo.InvariantCulture, $"#{Mix(a.R, b.R):x2}{Mix(a.G, b.G):x2}{Mix(a.B, b.B):x2}");
    }

    private static void Rect(XmlWriter x, int left, int top, int w, int h, string fill, string? stroke)
    {
        x.WriteStartElement("rect");
        x.WriteAttributeString("x", Num(left));
        x.WriteAttributeString("y", Num(top));
        x.WriteAttributeString("width", Num(w));
        x.WriteAttributeString("height", Num(h));
        x.WriteAttributeString("fill", fill);
        if (stroke is not null) x.WriteAttributeString("stroke", stroke);
        x.WriteEndElement();
    }

    private static void Text(XmlWriter x, int left, int baseline, string text, int size, string anchor, bool bold = false, string fill = "#222222")
    {
        x.WriteStartElement("text");
        x.WriteAttributeString("x", Num(left));
        x.WriteAttributeString("y", Num(baseline));
        x.WriteAttributeString("font-size", Num(size));
        x.WriteAttributeString("text-anchor", anchor);
        x.WriteAttributeString("fill", fill);
        if (bold) x.WriteAttributeString("font-weight", "bold");
        x.WriteString(text);
        x.WriteEndElement();
    }

    private static void VerticalText(XmlWriter x, int left, int middle, string text, int size)
    {
        x.WriteStartElement("text");
        x.WriteAttributeString("x", Num(left));
        x.WriteAttributeString("y", Num(middle));
        x.WriteAttributeString("font-size", Num(size));
        x.WriteAttributeString("text-anchor", "middle");
        x.WriteAttributeString("fill", "#444444");
        x.WriteAttributeString("transform", $"rotate(-90 {Num(left)} {Num(middle)})");
        x.WriteString(text);
        x.WriteEndElement();
    }

    private static string Num(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
