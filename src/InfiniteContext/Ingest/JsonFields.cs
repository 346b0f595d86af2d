using System.Globalization;
using System.Text.Json;

namespace InfiniteContext.Ingest;

/// <summary>Typed access to optional properties of a JSON record, reporting a wrong type instead of throwing.</summary>
internal static class JsonFields
{
    /// <summary>A string property (absent or null gives null). Returns an error message when it has another type.</summary>
    public static string? GetString(JsonElement record, string name, out string? value)
    {
        value = null;
        if (!record.TryGetProperty(name, out JsonElement element) || element.ValueKind == JsonValueKind.Null) return null;
        if (element.ValueKind != JsonValueKind.String) return $"expected a string, got {Describe(element.ValueKind)}";
        value = element.GetString();
        return null;
    }

    /// <summary>Like <see cref="GetString"/> but a number is accepted too and kept as its JSON text (ids are often numeric).</summary>
    public static string? GetStringOrNumber(JsonElement record, string name, out string? value)
    {
        value = null;
        if (!record.TryGetProperty(name, out JsonElement element) || element.ValueKind == JsonValueKind.Null) return null;
        switch (element.ValueKind)
        {
            case JsonValueKind.String: value = element.GetString(); return null;
            case JsonValueKind.Number: value = element.GetRawText(); return null;
            default: return $"expected a string or a number, got {Describe(element.ValueKind)}";
        }
    }

    /// <summary>An ISO-8601 time; without an offset it is taken as UTC.</summary>
    public static string? GetIsoTime(JsonElement record, string name, out DateTimeOffset? value)
    {
        value = null;
        string? error = GetString(record, name, out string? text);
        if (error is not null || text is null) return error;
        // TryGetDateTimeOffset enforces the ISO-8601 profile but reads a missing offset as local time,
        // so it only validates the shape; the value comes from a parse that assumes UTC.
        if (!record.GetProperty(name).TryGetDateTimeOffset(out _)
            || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset parsed))
        {
            return $"'{Shorten(text)}' is not an ISO-8601 time";
        }
        value = parsed;
        return null;
    }

    /// <summary>A JSON object kept verbatim as its raw text (absent or null gives null).</summary>
    public static string? GetObjectText(JsonElement record, string name, out string? value)
    {
        value = null;
        if (!record.TryGetProperty(name, out JsonElement element) || element.ValueKind == JsonValueKind.Null) return null;
        if (element.ValueKind != JsonValueKind.Object) return $"expected an object, got {Describe(element.ValueKind)}";
        value = element.GetRawText();
        return null;
    }

    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    public static string Shorten(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "...");
}
