using System.Globalization;

namespace InfiniteContext.Evaluation;

/// <summary>How many entries a probe inserts besides its question's needle.</summary>
public sealed record NeedleOptions
{
    /// <summary>Needles in a multi-needle group (all about one subject, each its own entry).</summary>
    public int MultiNeedles { get; init; } = 3;

    /// <summary>Distractors per near-miss needle, each differing from it in one detail.</summary>
    public int Distractors { get; init; } = 2;
}

/// <summary>
/// Makes the probes of one haystack from a seed. Every person, place, number and date it writes is unique
/// within the factory, and person and place names are never words the haystack generator uses, so a probe
/// can only be answered by its own entries. Non-literal facts are a fixed hand-written set: each is used at
/// most once per factory (see <see cref="NonLiteralCapacity"/>).
/// </summary>
public sealed class NeedleFactory
{
    private static readonly string[] NearMissDetails = ["person", "number", "date"];

    private readonly Random _random;
    private readonly NeedleOptions _options;
    private readonly HashSet<string> _people = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _places = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<int> _numbers = [];
    private readonly HashSet<DateOnly> _dates = [];
    private readonly int[] _nonLiteralOrder;
    private int _nonLiteralUsed;
    private int _nearMissCount;
    private int _serial;

    public NeedleFactory(int seed, NeedleOptions? options = null)
    {
        _random = new Random(seed);
        _options = options ?? new NeedleOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MultiNeedles, 2);
        ArgumentOutOfRangeException.ThrowIfNegative(_options.Distractors);
        _nonLiteralOrder = Enumerable.Range(0, NeedleFacts.NonLiteral.Length).ToArray();
        _random.Shuffle(_nonLiteralOrder);
    }

    /// <summary>How many non-literal probes one factory (one haystack) can make.</summary>
    public static int NonLiteralCapacity => NeedleFacts.NonLiteral.Length;

    public NeedleProbe Create(NeedleVariant variant, int depth)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(depth);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(depth, 100);
        string id = string.Create(CultureInfo.InvariantCulture, $"{variant.ToWire()}-{depth}-{_serial++}");
        return variant switch
        {
            NeedleVariant.Single => Single(id, depth),
            NeedleVariant.Multi => Multi(id, depth),
            NeedleVariant.NearMiss => NearMiss(id, depth),
            NeedleVariant.NonLiteral => NonLiteral(id, depth),
            _ => throw new ArgumentOutOfRangeException(nameof(variant)),
        };
    }

    private NeedleProbe Single(string id, int depth)
    {
        var frame = NeedleFacts.Facts[_random.Next(NeedleFacts.Facts.Length)];
        var (person, place, number, date) = (Person(), Place(), Number(), Date());
        return new NeedleProbe(NeedleVariant.Single, depth, Fill(frame.AskNumber, person, place, number, date),
            [new NeedleEntry(id, Fill(frame.Text, person, place, number, date))], []);
    }

    private NeedleProbe Multi(string id, int depth)
    {
        var frame = NeedleFacts.Groups[_random.Next(NeedleFacts.Groups.Length)];
        string person = Person(), place = Place();
        var items = NeedleFacts.Items.OrderBy(_ => _random.Next()).Take(_options.MultiNeedles).ToList();
        var needles = items.Select((item, j) => new NeedleEntry(string.Create(CultureInfo.InvariantCulture, $"{id}-m{j}"), Capitalize(string.Format(CultureInfo.InvariantCulture, frame.Text, person, place, item)))).ToList();
        return new NeedleProbe(NeedleVariant.Multi, depth, string.Format(CultureInfo.InvariantCulture, frame.Question, person, place), needles, []);
    }

    private NeedleProbe NearMiss(string id, int depth)
    {
        var frame = NeedleFacts.Facts[_random.Next(NeedleFacts.Facts.Length)];
        string detail = NearMissDetails[_nearMissCount++ % NearMissDetails.Length];
        var (person, place, number, date) = (Person(), Place(), Number(), Date());
        var distractors = new List<NeedleEntry>(_options.Distractors);
        for (int j = 0; j < _options.Distractors; j++)
        {
            // Exactly one slot changes; the question below names that slot, so the needle stays the only full match.
            var (p, n, d) = detail switch
            {
                "person" => (Person(), number, date),
                "number" => (person, NumberNear(number), date),
                _ => (person, number, DateNear(date)),
            };
            distractors.Add(new NeedleEntry(string.Create(CultureInfo.InvariantCulture, $"{id}-x{j}"), Fill(frame.Text, p, place, n, d)));
        }
        string question = detail == "number" ? Fill(frame.AskPerson, person, place, number, date) : Fill(frame.AskNumber, person, place, number, date);
        return new NeedleProbe(NeedleVariant.NearMiss, depth, question, [new NeedleEntry(id, Fill(frame.Text, person, place, number, date))], distractors)
        {
            DistinguishingDetail = detail,
        };
    }

    private NeedleProbe NonLiteral(string id, int depth)
    {
        if (_nonLiteralUsed >= _nonLiteralOrder.Length)
            throw new InvalidOperationException($"Only {NonLiteralCapacity} non-literal needles exist; one haystack cannot hold more.");
        var pair = NeedleFacts.NonLiteral[_nonLiteralOrder[_nonLiteralUsed++]];
        return new NeedleProbe(NeedleVariant.NonLiteral, depth, pair.Question,
            [new NeedleEntry(id, string.Format(CultureInfo.InvariantCulture, pair.Text, Person()))], []);
    }

    private static string Fill(string template, string person, string place, int number, DateOnly date) =>
        Capitalize(string.Format(CultureInfo.InvariantCulture, template, person, place, number, date.ToString("d MMMM yyyy", CultureInfo.InvariantCulture)));

    private static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    private string Person()
    {
        while (true)
        {
            string surname = NeedleFacts.SurnameStems[_random.Next(NeedleFacts.SurnameStems.Length)] + NeedleFacts.SurnameEndings[_random.Next(NeedleFacts.SurnameEndings.Length)];
            if (HaystackGenerator.Vocabulary.Contains(surname)) continue;
            string name = NeedleFacts.FirstNames[_random.Next(NeedleFacts.FirstNames.Length)] + " " + surname;
            if (_people.Add(name)) return name;
        }
    }

    private string Place()
    {
        for (int attempt = 0; ; attempt++)
        {
            if (attempt > 100_000) throw new InvalidOperationException($"Ran out of distinct place names after {_places.Count}; ask for fewer needles per haystack.");
            string stem = NeedleFacts.PlaceStems[_random.Next(NeedleFacts.PlaceStems.Length)] + NeedleFacts.PlaceEndings[_random.Next(NeedleFacts.PlaceEndings.Length)];
            if (HaystackGenerator.Vocabulary.Contains(stem)) continue;
            // The stem alone must be unique: it is the one word that tells two places apart.
            if (_places.Add(stem)) return stem + " " + NeedleFacts.PlaceFeatures[_random.Next(NeedleFacts.PlaceFeatures.Length)];
        }
    }

    private int Number()
    {
        while (true)
        {
            int n = 120 + _random.Next(9780);
            if (!LooksLikeYear(n) && _numbers.Add(n)) return n;
        }
    }

    private int NumberNear(int number)
    {
        while (true)
        {
            int n = number + (_random.Next(2) == 0 ? -1 : 1) * (1 + _random.Next(40));
            if (n > 0 && !LooksLikeYear(n) && _numbers.Add(n)) return n;
        }
    }

    /// <summary>A number that could be a needle's year would not be the one term that tells it from its distractor.</summary>
    private static bool LooksLikeYear(int n) => n is >= 1850 and <= 2050;

    private DateOnly Date()
    {
        while (true)
        {
            var d = new DateOnly(1880, 1, 1).AddDays(_random.Next(140 * 365));
            if (_dates.Add(d)) return d;
        }
    }

    private DateOnly DateNear(DateOnly date)
    {
        while (true)
        {
            var d = date.AddDays((_random.Next(2) == 0 ? -1 : 1) * (1 + _random.Next(60)));
            if (_dates.Add(d)) return d;
        }
    }
}
