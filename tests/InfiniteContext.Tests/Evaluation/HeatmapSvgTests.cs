using System.Xml.Linq;
using InfiniteContext.Evaluation;

namespace InfiniteContext.Tests.Evaluation;

public class HeatmapSvgTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void The_heatmap_is_well_formed_svg_with_one_labelled_cell_per_variant_length_and_depth()
    {
        string[] variants = ["single", "near <miss> & co"];
        string[] sizes = ["1M", "10M", "100M"];
        int[] depths = [0, 25, 50, 75, 100];
        var cells = variants.SelectMany(v => sizes.SelectMany(s => depths.Select(d => new NiahCell(v, s, d, 4, d / 25, 4, 0)))).ToList();

        var doc = XDocument.Parse(HeatmapSvg.Render("Needle in a haystack", "subtitle", variants, sizes, depths, cells));

        doc.Root!.Name.ShouldBe(Svg + "svg");
        var rects = doc.Descendants(Svg + "rect").Where(r => (string?)r.Attribute("class") == "cell").ToList();
        rects.Count.ShouldBe(variants.Length * sizes.Length * depths.Length);
        rects.Select(r => ((string)r.Attribute("data-variant")!, (string)r.Attribute("data-size")!, (string)r.Attribute("data-depth")!)).Distinct().Count().ShouldBe(rects.Count);
        var full = rects.First(r => (string)r.Attribute("data-depth")! == "100");
        full.Attribute("data-rank1")!.Value.ShouldBe("1");
        full.Attribute("fill")!.Value.ShouldBe(HeatmapSvg.Colour(1));
        rects.First(r => (string)r.Attribute("data-depth")! == "0").Attribute("fill")!.Value.ShouldBe(HeatmapSvg.Colour(0));
        var texts = doc.Descendants(Svg + "text").Select(t => t.Value).ToList();
        texts.ShouldContain("near <miss> & co");
        texts.ShouldContain("75%");
        texts.ShouldContain("100M");
    }

    [Fact]
    public void A_cell_that_was_not_run_is_grey_and_says_so()
    {
        var doc = XDocument.Parse(HeatmapSvg.Render("t", "s", ["single"], ["1M", "10M"], [50], [new NiahCell("single", "1M", 50, 3, 3, 3, 0)]));
        var rects = doc.Descendants(Svg + "rect").Where(r => (string?)r.Attribute("class") == "cell").ToList();
        rects.Count.ShouldBe(2);
        rects.Single(r => (string)r.Attribute("data-size")! == "10M").Attribute("data-rank1").ShouldBeNull();
        doc.Descendants(Svg + "text").Select(t => t.Value).ShouldContain("n/a");
    }

    [Fact]
    public void Colours_run_from_red_through_yellow_to_green()
    {
        HeatmapSvg.Colour(0).ShouldBe("#d73027");
        HeatmapSvg.Colour(0.5).ShouldBe("#fee08b");
        HeatmapSvg.Colour(1).ShouldBe("#1a9850");
        HeatmapSvg.Colour(2).ShouldBe(HeatmapSvg.Colour(1));
    }
}
