using System.Globalization;

namespace InfiniteContext.Evaluation;

/// <summary>
/// Proactive interference, after PI-LLM: many keys (a locker code, a person's extension, a ticket's status),
/// each updated N times, all updates interleaved at random in one stream with time always moving forward.
/// Each update is a line of conversation or tool output in one of several phrasings and from one of several
/// speakers, so the updates of one key are not string-identical and keys of one kind share most of their words
/// (the east gym's locker code against the west gym's). The question for a key asks for its current value; the
/// answer is the entry holding its last update. Deterministic for a seed; entries are produced lazily, so memory
/// holds the schedule (one int per update), never the texts.
/// </summary>
public static class InterferenceGenerator
{
    private static readonly string[] Modifiers = ["north", "south", "east", "west", "upper", "lower", "riverside", "downtown", "harbor", "hillside", "airport", "central"];
    private static readonly string[] FirstNames = ["Priya", "Marcus", "Elena", "Tomas", "Aisha", "Liam", "Mei", "Jonas", "Fatima", "Diego", "Hannah", "Kofi", "Sofia", "Ravi", "Ingrid", "Mateo", "Yuki", "Omar", "Clara", "Nikhil"];
    private static readonly string[] LastNames = ["Shah", "Okafor", "Lindqvist", "Moreau", "Tanaka", "Brennan", "Kowalski", "Haddad", "Novak", "Ferreira", "Quinn", "Abara", "Castillo", "Weber", "Rossi"];
    private static readonly string[] Teams = ["payments", "search", "billing", "mobile", "data platform", "security", "onboarding", "checkout", "identity", "analytics", "support tooling", "infrastructure"];
    private static readonly string[] Statuses = ["open", "blocked", "in review", "waiting on the vendor", "in progress", "ready to ship", "on hold", "escalated", "reopened", "in testing"];
    private static readonly string[] Rooms = ["Birch", "Cedar", "Maple", "Aspen", "Willow", "Juniper", "Sequoia", "Hazel", "Linden", "Rowan"];
    private static readonly string[] Words = ["copper", "lantern", "meadow", "falcon", "canyon", "pebble", "saffron", "thistle", "orbit", "quartz", "velvet", "cobalt", "juniper", "tundra", "ember", "marble"];

    /// <summary>What a key is about: the attribute, who or what it belongs to, and how its values look.</summary>
    private sealed record KeyKind(string Attribute, IReadOnlyList<string> Subjects, Func<Random, string> Value);

    private static readonly KeyKind[] Kinds =
    [
        new("locker code", Places("gym", "pool", "clubhouse", "climbing gym", "tennis center", "boathouse", "dojo", "rec center", "squash courts", "spa"), Digits(4)),
        new("door code", Places("warehouse", "depot", "lab", "annex", "studio", "workshop", "garage", "server room", "loading dock", "print shop"), Digits(6)),
        new("wifi password", Places("office", "cabin", "beach house", "guest suite", "coworking space", "library", "cafe", "lake house", "lodge", "loft"), r => $"{Words[r.Next(Words.Length)]}-{Words[r.Next(Words.Length)]}-{r.Next(10, 100)}"),
        new("phone extension", People(), Digits(4)),
        new("parking spot", People(), r => $"level {r.Next(1, 6)}, bay {r.Next(1, 300)}"),
        new("on-call engineer", Teams.Select(t => $"the {t} team").ToArray(), r => $"{FirstNames[r.Next(FirstNames.Length)]} {LastNames[r.Next(LastNames.Length)]}"),
        new("status", Tickets(), r => Statuses[r.Next(Statuses.Length)]),
        new("meeting room", Teams.SelectMany(t => new[] { $"the {t} standup", $"the {t} retro", $"the {t} planning session" }).ToArray(), r => $"{Rooms[r.Next(Rooms.Length)]} {r.Next(1, 9)}{(char)('A' + r.Next(6))}"),
        new("gate", Flights(), r => $"{(char)('A' + r.Next(5))}{r.Next(1, 40)}"),
        new("balance", Accounts(), r => string.Create(CultureInfo.InvariantCulture, $"${r.Next(50, 25000):N0}.{r.Next(100):D2}")),
    ];

    // Every question must have one answer: no word of a modifier, value or speaker name may also name part of another key
    // (a "new" modifier would make "the new dojo" match "has a new locker code"; a bot called "ops-bot" would match ticket OPS-...).

    // Phrasings of an update. {a} attribute, {s} subject, {v} value; speakers vary with the template.
    private static readonly (string Text, EntryRole Role, string Speaker)[] Templates =
    [
        ("Update: the {a} for {s} is now {v}.", EntryRole.User, "Dana"),
        ("Heads up, {s} has a new {a}: {v}.", EntryRole.User, "Dana"),
        ("FYI the {a} for {s} has been switched to {v}.", EntryRole.User, "Dana"),
        ("Got it, I'll remember {v} as the {a} for {s}.", EntryRole.Assistant, "assistant"),
        ("Noted: {a} for {s} is {v} from here on.", EntryRole.Assistant, "assistant"),
        ("They changed the {a} for {s} again this morning, it's {v}.", EntryRole.User, "Dana"),
        ("record updated | {s} | {a} = {v}", EntryRole.Tool, "tracker"),
        ("Reminder that the {a} for {s} is {v} going forward.", EntryRole.User, "Dana"),
        ("sync complete: {a} of {s} set to {v}", EntryRole.Tool, "tracker"),
        ("Okay, so {v} is the {a} for {s} after today's change.", EntryRole.Assistant, "assistant"),
    ];

    private static readonly string[] Questions =
    [
        "What is the current {a} for {s}?",
        "What's the {a} for {s} now?",
        "What is the {a} for {s} at the moment?",
        "What's the latest {a} for {s}?",
    ];

    /// <summary>How many distinct keys the vocabulary can name.</summary>
    public static int KeyCapacity => Kinds.Sum(k => k.Subjects.Count);

    public static InterferenceDataset Create(InterferenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.UpdateCounts.Count == 0) throw new ArgumentException("at least one update count is needed", nameof(options));
        if (options.UpdateCounts.Any(n => n < 1)) throw new ArgumentException("every update count must be at least 1", nameof(options));
        if (options.KeysPerCount < 1) throw new ArgumentException("keys per update count must be at least 1", nameof(options));
        int total = options.KeysPerCount * options.UpdateCounts.Count;
        if (total > KeyCapacity) throw new ArgumentException($"{total} keys asked for, the vocabulary names {KeyCapacity}", nameof(options));

        var random = new Random(options.Seed);
        // Keys go round the kinds so every kind appears at every update count; subjects are drawn without replacement.
        var pools = Kinds.Select(k => Shuffled(k.Subjects.ToArray(), random)).ToArray();
        var used = new int[Kinds.Length];
        var picks = new List<(int Kind, string Subject)>(total);
        for (int kind = 0; picks.Count < total; kind = (kind + 1) % Kinds.Length)
            if (used[kind] < pools[kind].Length) picks.Add((kind, pools[kind][used[kind]++]));
        Shuffle(picks, random);

        var keys = new List<InterferenceKey>(total);
        for (int i = 0; i < total; i++)
        {
            int updates = options.UpdateCounts[i / options.KeysPerCount];
            var (kind, subject) = picks[i];
            string question = Fill(Questions[random.Next(Questions.Length)], Kinds[kind].Attribute, subject, "");
            keys.Add(new InterferenceKey(i, Kinds[kind].Attribute, subject, updates, question, EntryId(i, updates)));
        }
        return new InterferenceDataset(options, keys, picks.Select(p => p.Kind).ToArray());
    }

    /// <summary>"k0042.017": key 42's 17th update. The id is not indexed, so it tells retrieval nothing.</summary>
    public static string EntryId(int key, int update) => string.Create(CultureInfo.InvariantCulture, $"k{key:D4}.{update:D3}");

    /// <summary>The key and update number an entry id names, or null for an id this generator did not make.</summary>
    public static (int Key, int Update)? ParseEntryId(string? id)
    {
        if (id is null || id.Length < 4 || id[0] != 'k') return null;
        int dot = id.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0) return null;
        return int.TryParse(id.AsSpan(1, dot - 1), NumberStyles.None, CultureInfo.InvariantCulture, out int key)
            && int.TryParse(id.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int update)
            ? (key, update) : null;
    }

    internal static IEnumerable<NewEntry> Entries(InterferenceDataset set)
    {
        var options = set.Options;
        // A separate generator for the stream, seeded from the option, so the schedule does not depend on how the keys were drawn.
        // (Not HashCode.Combine: its seed changes with every process, and the stream must not.)
        var random = new Random(unchecked(options.Seed * 31 + 0x5eed));
        var schedule = new int[set.Keys.Sum(k => k.Updates)];
        int at = 0;
        foreach (var key in set.Keys)
            for (int u = 0; u < key.Updates; u++) schedule[at++] = key.Id;
        Shuffle(schedule, random);

        var done = new int[set.Keys.Count];
        var last = new string?[set.Keys.Count];
        var time = options.Start;
        foreach (int id in schedule)
        {
            var key = set.Keys[id];
            var kind = Kinds[set.KindOf[id]];
            int update = ++done[id];
            string value;
            do value = kind.Value(random); while (value == last[id]);
            last[id] = value;
            var (template, role, speaker) = Templates[random.Next(Templates.Length)];
            time = time.AddMinutes(random.Next(1, 21));
            yield return new NewEntry
            {
                Stream = options.Stream,
                ExternalId = EntryId(id, update),
                Session = time.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                Time = time,
                Role = role,
                Speaker = speaker,
                Text = Fill(template, key.Attribute, key.Subject, value),
            };
        }
    }

    private static string Fill(string template, string attribute, string subject, string value)
    {
        string text = template.Replace("{a}", attribute, StringComparison.Ordinal).Replace("{s}", subject, StringComparison.Ordinal).Replace("{v}", value, StringComparison.Ordinal);
        return char.ToUpperInvariant(text[0]) + text[1..];
    }

    private static string[] Places(params string[] places) => Modifiers.SelectMany(m => places.Select(p => $"the {m} {p}")).ToArray();

    private static string[] People() => FirstNames.SelectMany(f => LastNames.Select(l => $"{f} {l}")).ToArray();

    private static string[] Tickets() => new[] { "OPS", "WEB", "DATA", "SEC", "INFRA" }.SelectMany(p => Enumerable.Range(1, 40).Select(n => $"ticket {p}-{100 + n * 7}")).ToArray();

    private static string[] Flights() => new[] { "UA", "DL", "AA", "LH", "BA", "AF" }.SelectMany(a => Enumerable.Range(1, 30).Select(n => $"flight {a} {100 + n * 23}")).ToArray();

    private static string[] Accounts() => new[] { "checking", "savings", "brokerage", "joint", "business" }.SelectMany(a => Enumerable.Range(0, 40).Select(n => $"the {a} account ending in {1000 + n * 211 % 9000}")).ToArray();

    private static Func<Random, string> Digits(int count) => r => r.Next((int)Math.Pow(10, count - 1), (int)Math.Pow(10, count)).ToString(CultureInfo.InvariantCulture);

    private static T[] Shuffled<T>(T[] items, Random random)
    {
        Shuffle(items, random);
        return items;
    }

    private static void Shuffle<T>(IList<T> items, Random random)
    {
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}

public sealed record InterferenceOptions
{
    /// <summary>Each level of the sweep: keys at this level are updated this many times.</summary>
    public IReadOnlyList<int> UpdateCounts { get; init; } = [1, 10, 50, 100, 200, 400];

    /// <summary>Keys at each update count; each key is asked about once.</summary>
    public int KeysPerCount { get; init; } = 200;

    public int Seed { get; init; } = 1;

    public string Stream { get; init; } = "interference";

    /// <summary>Time of the first update; each later one comes 1 to 20 minutes after the one before.</summary>
    public DateTimeOffset Start { get; init; } = new(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);
}

/// <summary>One key: what it is, how often it is updated, the question asked about it, and the id of the entry holding its last update.</summary>
public sealed record InterferenceKey(int Id, string Attribute, string Subject, int Updates, string Question, string LatestEntryId);

/// <summary>The keys of one generated stream; <see cref="Entries"/> produces the stream itself, lazily and identically each time.</summary>
public sealed class InterferenceDataset
{
    internal InterferenceDataset(InterferenceOptions options, IReadOnlyList<InterferenceKey> keys, int[] kindOf)
    {
        Options = options;
        Keys = keys;
        KindOf = kindOf;
    }

    public InterferenceOptions Options { get; }
    public IReadOnlyList<InterferenceKey> Keys { get; }
    internal int[] KindOf { get; }
    public long EntryCount => Keys.Sum(k => (long)k.Updates);

    public IEnumerable<NewEntry> Entries() => InterferenceGenerator.Entries(this);
}
