using InfiniteContext.Retrieval;

namespace InfiniteContext.Tests.Retrieval;

public class TimeExpressionParserTests
{
    // A Wednesday.
    private static readonly DateTimeOffset Reference = new(2023, 8, 16, 15, 30, 0, TimeSpan.Zero);

    private static DateTimeOffset D(int y, int m, int d) => new(y, m, d, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("what happened on 2023-05-08?", 2023, 5, 8, 2023, 5, 9)]
    [InlineData("What did she do on 8 May 2023", 2023, 5, 8, 2023, 5, 9)]
    [InlineData("what about May 8th, 2023", 2023, 5, 8, 2023, 5, 9)]
    [InlineData("the party on June 3", 2023, 6, 3, 2023, 6, 4)]
    [InlineData("the party on December 3", 2022, 12, 3, 2022, 12, 4)]
    [InlineData("what did we plan in May?", 2023, 5, 1, 2023, 6, 1)]
    [InlineData("what did we plan in October?", 2022, 10, 1, 2022, 11, 1)]
    [InlineData("trips in March 2022", 2022, 3, 1, 2022, 4, 1)]
    [InlineData("anything in 2021?", 2021, 1, 1, 2022, 1, 1)]
    [InlineData("what did I eat yesterday", 2023, 8, 15, 2023, 8, 16)]
    [InlineData("what did I do today", 2023, 8, 16, 2023, 8, 17)]
    [InlineData("what happened last week", 2023, 8, 7, 2023, 8, 14)]
    [InlineData("what happened this week", 2023, 8, 14, 2023, 8, 21)]
    [InlineData("books I read last month", 2023, 7, 1, 2023, 8, 1)]
    [InlineData("goals for this year", 2023, 1, 1, 2024, 1, 1)]
    [InlineData("what did we do last weekend", 2023, 8, 12, 2023, 8, 14)]
    [InlineData("what did I buy 3 days ago", 2023, 8, 13, 2023, 8, 14)]
    public void Parses_explicit_and_relative_expressions(string query, int fy, int fm, int fd, int ty, int tm, int td)
    {
        var range = TimeExpressionParser.Parse(query, Reference);
        range.ShouldNotBeNull();
        range.From.ShouldBe(D(fy, fm, fd));
        range.To.ShouldBe(D(ty, tm, td));
    }

    [Theory]
    [InlineData("What did Caroline research?")]
    [InlineData("May I ask what she likes?")]
    [InlineData("She will march with the group")]
    [InlineData("the 2023 budget numbers")]
    [InlineData("on 2023-02-30 nothing")]
    public void Finds_no_time_where_there_is_none(string query) =>
        TimeExpressionParser.Parse(query, Reference).ShouldBeNull();

    [Theory]
    [InlineData("what happened on 2023-05-08?", true)]
    [InlineData("books I read last month", true)]
    [InlineData("What did Caroline research?", false)]
    [InlineData("May I ask what she likes?", false)]
    public void MentionsTime_agrees_with_Parse(string query, bool expected)
    {
        TimeExpressionParser.MentionsTime(query).ShouldBe(expected);
        (TimeExpressionParser.Parse(query, Reference) is not null).ShouldBe(expected);
    }

    [Fact]
    public void A_week_ago_centres_on_seven_days_before()
    {
        var range = TimeExpressionParser.Parse("what did she say a week ago", Reference)!;
        range.Contains(D(2023, 8, 9)).ShouldBeTrue();
        range.Contains(D(2023, 8, 16)).ShouldBeFalse();
    }
}
