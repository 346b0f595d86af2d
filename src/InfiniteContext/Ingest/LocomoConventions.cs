using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace InfiniteContext.Ingest;

/// <summary>How LoCoMo's locomo10.json spells things: session keys, session times, turn ids, photo captions.</summary>
public static partial class LocomoConventions
{
    private static readonly string[] DateTimeFormats = ["h:mm tt 'on' d MMMM, yyyy", "h:mm tt 'on' d MMM, yyyy", "h:mm tt 'on' dd MMMM, yyyy"];

    /// <summary>Caption openings BLIP produces; they are folded into one "a photo of" so it is not said twice.</summary>
    private static readonly string[] CaptionOpenings = ["a photo of ", "a photography of ", "a picture of ", "an image of "];

    [GeneratedRegex(@"^session_(\d+)$", RegexOptions.CultureInvariant)]
    private static partial Regex SessionKey();

    [GeneratedRegex(@"^D(\d+):(\d+)$", RegexOptions.CultureInvariant)]
    private static partial Regex TurnId();

    /// <summary>The conversation's "session_N" keys holding turn arrays, in numeric order of N (session_2 before session_10).</summary>
    public static IReadOnlyList<(int Number, string Key)> Sessions(JsonElement conversation)
    {
        var sessions = new List<(int Number, string Key)>();
        foreach (JsonProperty property in conversation.EnumerateObject())
        {
            Match match = SessionKey().Match(property.Name);
            if (match.Success && int.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out int number))
                sessions.Add((number, property.Name));
        }
        sessions.Sort((a, b) => a.Number.CompareTo(b.Number));
        return sessions;
    }

    /// <summary>Parses "1:56 pm on 8 May, 2023" as UTC (the dataset carries no zone).</summary>
    public static bool TryParseSessionTime(string? text, out DateTimeOffset time)
    {
        time = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        if (!DateTime.TryParseExact(text.Trim(), DateTimeFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AllowWhiteSpaces | DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTime parsed))
            return false;
        time = new DateTimeOffset(DateTime.SpecifyKind(parsed, DateTimeKind.Utc));
        return true;
    }

    /// <summary>
    /// A turn's text for retrieval: its words plus the photo it shares, since some answers live only in the caption.
    /// "a photo of a dog" becomes " [shares a photo of a dog]"; a caption without a known opening becomes
    /// " [shares a photo: {caption}]".
    /// </summary>
    public static string WithCaption(string text, string? caption)
    {
        if (string.IsNullOrWhiteSpace(caption)) return text;
        caption = caption.Trim();
        string rendered = $"[shares a photo: {caption}]";
        foreach (string opening in CaptionOpenings)
        {
            if (caption.StartsWith(opening, StringComparison.OrdinalIgnoreCase) && caption.Length > opening.Length)
            {
                rendered = $"[shares a photo of {caption[opening.Length..].TrimStart()}]";
                break;
            }
        }
        return string.IsNullOrWhiteSpace(text) ? rendered : $"{text} {rendered}";
    }

    /// <summary>Whether <paramref name="id"/> is a well-formed turn id "D{session}:{turn}".</summary>
    public static bool IsTurnId(string id) => TurnId().IsMatch(id);
}
