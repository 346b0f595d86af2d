namespace InfiniteContext;

/// <summary>Who produced an entry. Mirrors chat roles so transcripts map without loss.</summary>
public enum EntryRole : byte
{
    User = 0,
    Assistant = 1,
    System = 2,
    Tool = 3,
}

public static class EntryRoles
{
    public static bool TryParse(string? text, out EntryRole role)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case null or "" or "user" or "human": role = EntryRole.User; return true;
            case "assistant" or "ai" or "bot": role = EntryRole.Assistant; return true;
            case "system" or "developer" or "instructions": role = EntryRole.System; return true;
            case "tool" or "function": role = EntryRole.Tool; return true;
            default: role = EntryRole.User; return false;
        }
    }

    public static string ToWire(this EntryRole role) => role switch
    {
        EntryRole.Assistant => "assistant",
        EntryRole.System => "system",
        EntryRole.Tool => "tool",
        _ => "user",
    };
}
