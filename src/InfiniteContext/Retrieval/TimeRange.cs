namespace InfiniteContext.Retrieval;

/// <summary>A half-open time interval [From, To) a query refers to, and the words that named it.</summary>
public sealed record TimeRange(DateTimeOffset From, DateTimeOffset To, string Expression)
{
    public bool Contains(DateTimeOffset time) => time >= From && time < To;
}
