using System.Text.Json;

namespace InfiniteContext.Context;

/// <summary>The JSON form of a context: sections, items with citations, and the exact rendered text.</summary>
public static class ContextJson
{
    public static string Render(AssembledContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return JsonSerializer.Serialize(new
        {
            stream = context.Stream,
            query = context.Query,
            effectiveQuery = context.EffectiveQuery,
            budget = context.Budget,
            tokens = context.Tokens,
            sections = context.Sections.Select(s => new
            {
                kind = s.Kind,
                items = s.Items.Select(i => new
                {
                    citation = new
                    {
                        stream = i.Citation.Stream,
                        seq = i.Citation.Seq,
                        id = i.Citation.Id,
                        time = i.Citation.Time,
                        speaker = i.Citation.Speaker,
                        role = i.Citation.Role.ToWire(),
                        session = i.Citation.Session,
                    },
                    text = i.Text,
                    tokens = i.Tokens,
                    score = i.Score is { } sc ? Math.Round(sc, 6) : (double?)null,
                    neighbour = i.IsNeighbour ? true : (bool?)null,
                    truncated = i.Truncated ? true : (bool?)null,
                }),
            }),
            text = context.Text,
        }, WireJson.Options);
    }
}
