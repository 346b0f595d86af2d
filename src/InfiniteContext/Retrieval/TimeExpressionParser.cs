using System.Globalization;
using System.Text.RegularExpressions;
using InfiniteContext.Text;

namespace InfiniteContext.Retrieval;

/// <summary>
/// Finds the time a query asks about, without a model: explicit dates ("2023-05-08", "8 May 2023",
/// "May 8th"), months ("in May", "May 2023"), years ("in 2022"), and expressions relative to a reference
/// time ("yesterday", "last week", "this month", "3 days ago"). Relative expressions resolve against the
/// reference, which callers set to the newest entry's time: "last week" in a stored conversation means
/// the week before it ended, not before today. A month without a year means its latest occurrence at or
/// before the reference. Returns the first expression found, or null.
/// </summary>
public static partial class TimeExpressionParser
{
    public static TimeRange? Parse(string query, DateTimeOffset reference)
    {
        ArgumentNullException.ThrowIfNull(query);
        string text = Whitespace().Replace(query.ToLowerInvariant(), " ");
        var day = new DateTimeOffset(reference.Year, reference.Month, reference.Day, 0, 0, 0, reference.Offset);

        if (IsoDate().Match(text) is { Success: true } iso
            && TryDate(Int(iso.Groups[1]), Int(iso.Groups[2]), Int(iso.Groups[3]), reference.Offset, out var isoDay))
            return new TimeRange(isoDay, isoDay.AddDays(1), iso.Value);

        if (DayMonthYear().Match(text) is { Success: true } dmy && Months.Parse(dmy.Groups[2].Value) is int m1 and > 0)
        {
            int year = dmy.Groups[3].Success ? Int(dmy.Groups[3]) : LatestYear(m1, Int(dmy.Groups[1]), reference);
            if (TryDate(year, m1, Int(dmy.Groups[1]), reference.Offset, out var d)) return new TimeRange(d, d.AddDays(1), dmy.Value.Trim());
        }
        if (MonthDayYear().Match(text) is { Success: true } mdy && Months.Parse(mdy.Groups[1].Value) is int m2 and > 0)
        {
            int year = mdy.Groups[3].Success ? Int(mdy.Groups[3]) : LatestYear(m2, Int(mdy.Groups[2]), reference);
            if (TryDate(year, m2, Int(mdy.Groups[2]), reference.Offset, out var d)) return new TimeRange(d, d.AddDays(1), mdy.Value.Trim());
        }
        if (MonthYear().Match(text) is { Success: true } my && Months.Parse(my.Groups[1].Value) is int m3 and > 0)
        {
            var start = new DateTimeOffset(Int(my.Groups[2]), m3, 1, 0, 0, 0, reference.Offset);
            return new TimeRange(start, start.AddMonths(1), my.Value.Trim());
        }
        // A bare month only counts after a preposition: "may" and "march" are also ordinary words.
        if (InMonth().Match(text) is { Success: true } im && Months.Parse(im.Groups[2].Value) is int m4 and > 0)
        {
            var start = new DateTimeOffset(LatestYear(m4, 1, reference), m4, 1, 0, 0, 0, reference.Offset);
            return new TimeRange(start, start.AddMonths(1), im.Value.Trim());
        }
        if (InYear().Match(text) is { Success: true } iy)
        {
            var start = new DateTimeOffset(Int(iy.Groups[2]), 1, 1, 0, 0, 0, reference.Offset);
            return new TimeRange(start, start.AddYears(1), iy.Value.Trim());
        }

        if (Ago().Match(text) is { Success: true } ago)
        {
            int n = ago.Groups[1].Value is "a" or "an" or "one" ? 1 : ago.Groups[1].Value == "two" ? 2 : ago.Groups[1].Value == "three" ? 3 : Int(ago.Groups[1]);
            return ago.Groups[2].Value switch
            {
                "day" => new TimeRange(day.AddDays(-n), day.AddDays(-n + 1), ago.Value),
                "week" => new TimeRange(day.AddDays(-7 * n - 3), day.AddDays(-7 * n + 4), ago.Value),
                "month" => new TimeRange(day.AddMonths(-n).AddDays(-15), day.AddMonths(-n).AddDays(16), ago.Value),
                _ => new TimeRange(day.AddYears(-n).AddMonths(-6), day.AddYears(-n).AddMonths(6), ago.Value),
            };
        }
        if (Relative().Match(text) is { Success: true } rel)
        {
            var weekStart = day.AddDays(-(((int)day.DayOfWeek + 6) % 7)); // Monday
            var monthStart = new DateTimeOffset(day.Year, day.Month, 1, 0, 0, 0, day.Offset);
            var yearStart = new DateTimeOffset(day.Year, 1, 1, 0, 0, 0, day.Offset);
            return rel.Value switch
            {
                "today" or "tonight" => new TimeRange(day, day.AddDays(1), rel.Value),
                "yesterday" => new TimeRange(day.AddDays(-1), day, rel.Value),
                "this week" => new TimeRange(weekStart, weekStart.AddDays(7), rel.Value),
                "last week" => new TimeRange(weekStart.AddDays(-7), weekStart, rel.Value),
                "this month" => new TimeRange(monthStart, monthStart.AddMonths(1), rel.Value),
                "last month" => new TimeRange(monthStart.AddMonths(-1), monthStart, rel.Value),
                "this year" => new TimeRange(yearStart, yearStart.AddYears(1), rel.Value),
                "last year" => new TimeRange(yearStart.AddYears(-1), yearStart, rel.Value),
                "last weekend" or "this weekend" or _ => Weekend(weekStart, rel.Value),
            };
        }
        return null;
    }

    /// <summary>
    /// Whether any pattern <see cref="Parse"/> knows occurs in the query, whatever the reference: when false,
    /// Parse returns null for every reference, so a caller can skip looking the reference up.
    /// </summary>
    public static bool MentionsTime(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        string text = Whitespace().Replace(query.ToLowerInvariant(), " ");
        return IsoDate().IsMatch(text) || DayMonthYear().IsMatch(text) || MonthDayYear().IsMatch(text) || MonthYear().IsMatch(text)
            || InMonth().IsMatch(text) || InYear().IsMatch(text) || Ago().IsMatch(text) || Relative().IsMatch(text);
    }

    private static TimeRange Weekend(DateTimeOffset weekStart, string expression)
    {
        // "last weekend": the Saturday and Sunday before this week's Monday.
        var saturday = weekStart.AddDays(expression.StartsWith("this", StringComparison.Ordinal) ? 5 : -2);
        return new TimeRange(saturday, saturday.AddDays(2), expression);
    }

    /// <summary>The year of the latest (month, day) at or before the reference.</summary>
    private static int LatestYear(int month, int dayOfMonth, DateTimeOffset reference) =>
        month < reference.Month || (month == reference.Month && dayOfMonth <= reference.Day) ? reference.Year : reference.Year - 1;

    private static bool TryDate(int year, int month, int dayOfMonth, TimeSpan offset, out DateTimeOffset date)
    {
        date = default;
        if (year < 1 || year > 9999 || month < 1 || month > 12 || dayOfMonth < 1 || dayOfMonth > DateTime.DaysInMonth(year, month)) return false;
        date = new DateTimeOffset(year, month, dayOfMonth, 0, 0, 0, offset);
        return true;
    }

    private static int Int(Group g) => int.Parse(g.Value, NumberStyles.None, CultureInfo.InvariantCulture);

    private const string MonthName = "(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")]
    private static partial Regex IsoDate();

    [GeneratedRegex(@"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + MonthName + @"\b\.?(?:,?\s+(\d{4})\b)?")]
    private static partial Regex DayMonthYear();

    [GeneratedRegex(@"\b" + MonthName + @"\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4})\b)?")]
    private static partial Regex MonthDayYear();

    [GeneratedRegex(@"\b" + MonthName + @"\.?,?\s+(\d{4})\b")]
    private static partial Regex MonthYear();

    [GeneratedRegex(@"\b(in|during|since|until|of|last|this|early|late|mid)\s+" + MonthName + @"\b")]
    private static partial Regex InMonth();

    [GeneratedRegex(@"\b(in|during|of|since)\s+((?:19|20)\d{2})\b")]
    private static partial Regex InYear();

    [GeneratedRegex(@"\b(\d{1,3}|a|an|one|two|three)\s+(day|week|month|year)s?\s+ago\b")]
    private static partial Regex Ago();

    [GeneratedRegex(@"\b(today|tonight|yesterday|(?:this|last)\s+(?:week|month|year|weekend))\b")]
    private static partial Regex Relative();
}
