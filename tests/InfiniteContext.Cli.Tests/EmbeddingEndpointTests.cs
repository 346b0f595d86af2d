using System.Globalization;
using System.Text;
using System.Text.Json;
using InfiniteContext.Cli.Tests.Support;

namespace InfiniteContext.Cli.Tests;

/// <summary>
/// <c>--model openai:NAME --embeddings-endpoint URL</c> against a local OpenAI-compatible double on loopback: the real
/// infctx binary indexes through it in batches, later reads embed the query with the remembered model, the API key
/// travels only in the Authorization header, and a failing endpoint leaves the store intact and resumable.
/// </summary>
public sealed class EmbeddingEndpointTests : IDisposable
{
    private const string ApiKeyVariable = "INFCTX_EMBEDDINGS_API_KEY";
    private readonly TempDirectory _dir = new();
    private readonly FakeEmbeddingServer _server = new(dimensions: 64);

    public void Dispose()
    {
        _server.Dispose();
        _dir.Dispose();
    }

    private static readonly string[] Facts =
    [
        "I adopted a grey cat named Pixel last spring",
        "We moved the budget review to Thursday afternoon",
        "My sister runs a bakery that sells sourdough bread",
        "The kayak trip on the lake got cancelled because of storms",
        "I started learning the cello with a teacher downtown",
        "Our team switched the database to PostgreSQL in March",
        "The garden tomatoes finally turned red this week",
        "I booked train tickets to Lisbon for the conference",
        "Grandma's recipe for lemon cake uses three eggs",
        "The new office printer keeps jamming on thick paper",
    ];

    private string WriteFacts()
    {
        var sb = new StringBuilder();
        for (int i = 0; i < Facts.Length; i++)
            sb.Append(JsonSerializer.Serialize(new { stream = "alice", id = $"f{i}", speaker = "Alice", text = Facts[i] })).Append('\n');
        return _dir.Write("facts.jsonl", sb.ToString());
    }

    private string WriteMany(int count, int from = 0)
    {
        var sb = new StringBuilder();
        for (int i = from; i < from + count; i++)
            sb.Append(JsonSerializer.Serialize(new { stream = "bulk", id = $"b{i}", text = string.Create(CultureInfo.InvariantCulture, $"bulk entry number {i} about topic{i % 7}") })).Append('\n');
        return _dir.Write($"many-{from}.jsonl", sb.ToString());
    }

    private static async Task IngestAsync(string file, string store)
    {
        var r = await CliRunner.RunAsync("ingest", file, "--store", store, "--progress", "none");
        r.ExitCode.ShouldBe(0, r.ToString());
    }

    private sealed record Stats(long Entries, long Vectors, long Pending, string? Model);

    private static async Task<Stats> StatsAsync(string store)
    {
        var r = await CliRunner.RunAsync("stats", "--store", store, "--json");
        r.ExitCode.ShouldBe(0, r.ToString());
        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement;
        // A store this small is scanned exactly (the stats say how a search is answered whenever there are vectors).
        if (root.GetProperty("vectors").GetInt64() > 0) root.GetProperty("vectorSearch").GetString().ShouldBe("exact scan");
        return new Stats(root.GetProperty("entries").GetInt64(), root.GetProperty("vectors").GetInt64(), root.GetProperty("vectorsPending").GetInt64(),
            root.TryGetProperty("vectorModel", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null);
    }

    private string[] IndexArgs(string store, params string[] extra) =>
        ["index", "--store", store, "--model", "openai:fake", "--embeddings-endpoint", _server.BaseUrl, "--progress", "none", "--json", .. extra];

    [Fact]
    public async Task Index_embeds_every_entry_in_batches_and_dense_search_embeds_the_query_through_the_endpoint()
    {
        string store = _dir.File("store");
        await IngestAsync(WriteFacts(), store);

        var index = await CliRunner.RunAsync(IndexArgs(store, "--embeddings-batch", "4", "--query-prefix", "search_query: "));
        index.ExitCode.ShouldBe(0, index.ToString());
        using (var doc = JsonDocument.Parse(index.Stdout))
        {
            doc.RootElement.GetProperty("added").GetInt64().ShouldBe(Facts.Length);
            doc.RootElement.GetProperty("model").GetString().ShouldBe("openai:fake");
        }
        var requests = _server.Requests.ToList();
        requests.ShouldAllBe(r => r.Path == "/v1/embeddings" && r.Model == "fake" && r.Status == 200);
        requests.ShouldAllBe(r => r.Inputs.Count >= 1 && r.Inputs.Count <= 4);
        // Every entry was embedded once, as the speaker-prefixed retrieval text, in requests of at most 4.
        var documents = _server.EmbeddedTexts.Where(t => t.StartsWith("Alice: ", StringComparison.Ordinal)).ToList();
        documents.ShouldBe(Facts.Select(f => "Alice: " + f), ignoreOrder: true);
        requests.Count(r => r.Inputs.Any(t => t.StartsWith("Alice: ", StringComparison.Ordinal))).ShouldBeGreaterThanOrEqualTo(3);

        int before = _server.Requests.Count;
        var search = await CliRunner.RunAsync("search", "grey cat Pixel", "--store", store, "--retrieval", "dense", "--top", "3", "--json");
        search.ExitCode.ShouldBe(0, search.ToString());
        using (var doc = JsonDocument.Parse(search.Stdout))
        {
            var hits = doc.RootElement.GetProperty("hits");
            hits.GetArrayLength().ShouldBeGreaterThan(0);
            hits[0].GetProperty("id").GetString().ShouldBe("f0");
        }
        var queryRequests = _server.Requests.Skip(before).ToList();
        queryRequests.Count.ShouldBe(1);
        queryRequests[0].Inputs.ShouldBe(["search_query: grey cat Pixel"]);

        // The context command reads the same way: the remembered model embeds its query too.
        before = _server.Requests.Count;
        var context = await CliRunner.RunAsync("context", "lemon cake recipe", "--store", store, "--stream", "alice", "--budget", "400", "--json");
        context.ExitCode.ShouldBe(0, context.ToString());
        context.Stdout.ShouldContain("three eggs");
        _server.Requests.Skip(before).SelectMany(r => r.Inputs).ShouldContain("search_query: lemon cake recipe");

        var descriptor = await File.ReadAllTextAsync(Path.Combine(store, "index", "vectors", "openai_fake.model.json"));
        descriptor.ShouldContain(_server.BaseUrl);
        descriptor.ShouldContain("\"model\": \"fake\"");
        (await StatsAsync(store)).ShouldBe(new Stats(Facts.Length, Facts.Length, 0, "openai:fake"));
    }

    [Fact]
    public async Task The_api_key_comes_from_the_environment_reaches_the_authorization_header_and_is_never_written_to_the_store()
    {
        const string key = "sk-test-0123456789-secret";
        string store = _dir.File("store");
        await IngestAsync(WriteFacts(), store);
        var env = new Dictionary<string, string> { [ApiKeyVariable] = key };

        var index = await CliRunner.RunWithEnvironmentAsync(env, IndexArgs(store));
        index.ExitCode.ShouldBe(0, index.ToString());
        var search = await CliRunner.RunWithEnvironmentAsync(env, "search", "budget review Thursday", "--store", store, "--retrieval", "dense", "--json");
        search.ExitCode.ShouldBe(0, search.ToString());
        _server.Requests.ShouldNotBeEmpty();
        _server.Requests.ShouldAllBe(r => r.Authorization == "Bearer " + key);

        foreach (var file in Directory.EnumerateFiles(store, "*", SearchOption.AllDirectories))
            Encoding.UTF8.GetString(await File.ReadAllBytesAsync(file)).ShouldNotContain(key, customMessage: file);
        (index.Stdout + index.Stderr + search.Stdout + search.Stderr).ShouldNotContain(key);

        // Without the variable no Authorization header is sent at all (local servers need none).
        int before = _server.Requests.Count;
        var bare = await CliRunner.RunAsync("search", "budget review Thursday", "--store", store, "--retrieval", "dense", "--json");
        bare.ExitCode.ShouldBe(0, bare.ToString());
        _server.Requests.Skip(before).ShouldAllBe(r => r.Authorization == null);
    }

    [Fact]
    public async Task An_endpoint_that_is_down_fails_naming_the_url_and_a_later_run_indexes_everything()
    {
        string store = _dir.File("store");
        await IngestAsync(WriteFacts(), store);
        string down = $"http://127.0.0.1:{FakeEmbeddingServer.FreePort()}/v1";

        var failed = await CliRunner.RunAsync("index", "--store", store, "--model", "openai:fake", "--embeddings-endpoint", down, "--embeddings-retries", "0", "--progress", "none");
        failed.ExitCode.ShouldBe(ExitCodes.EndpointFailed, failed.ToString());
        failed.Stderr.ShouldContain(down + "/embeddings");

        var lexical = await CliRunner.RunAsync("search", "sourdough bakery", "--store", store, "--json");
        lexical.ExitCode.ShouldBe(0, lexical.ToString());
        lexical.Stdout.ShouldContain("\"f2\"");
        (await StatsAsync(store)).Entries.ShouldBe(Facts.Length);

        var index = await CliRunner.RunAsync(IndexArgs(store));
        index.ExitCode.ShouldBe(0, index.ToString());
        (await StatsAsync(store)).ShouldBe(new Stats(Facts.Length, Facts.Length, 0, "openai:fake"));
    }

    [Fact]
    public async Task A_server_error_mid_run_keeps_the_durable_batches_and_a_later_run_completes_the_rest()
    {
        const int count = 150; // three indexer batches of 64
        string store = _dir.File("store");
        await IngestAsync(WriteMany(count), store);
        _server.FailWith = 500;
        _server.FailAfter = 2; // the dimension probe and the first batch of 64 succeed, then every request fails

        var failed = await CliRunner.RunAsync(IndexArgs(store, "--embeddings-retries", "1"));
        failed.ExitCode.ShouldBe(ExitCodes.EndpointFailed, failed.ToString());
        failed.Stderr.ShouldContain(_server.BaseUrl + "/embeddings");
        failed.Stderr.ShouldContain("HTTP 500");
        _server.Requests.Count(r => r.Status == 500).ShouldBe(2); // the failing request and its one retry
        var partial = await StatsAsync(store);
        partial.ShouldBe(new Stats(count, 64, count - 64, "openai:fake"));

        _server.FailWith = null;
        int before = _server.Requests.Count;
        var index = await CliRunner.RunAsync(IndexArgs(store));
        index.ExitCode.ShouldBe(0, index.ToString());
        using (var doc = JsonDocument.Parse(index.Stdout)) doc.RootElement.GetProperty("added").GetInt64().ShouldBe(count - 64);
        // Nothing embedded twice: the completing run asked only for the entries still missing.
        _server.Requests.Skip(before).SelectMany(r => r.Inputs).Count().ShouldBe(count - 64);
        (await StatsAsync(store)).ShouldBe(new Stats(count, count, 0, "openai:fake"));
    }

    [Fact]
    public async Task Transient_failures_are_retried_and_the_run_succeeds()
    {
        string store = _dir.File("store");
        await IngestAsync(WriteFacts(), store);
        _server.TransientFailures = 2;

        var index = await CliRunner.RunAsync(IndexArgs(store, "--embeddings-retries", "3"));
        index.ExitCode.ShouldBe(0, index.ToString());
        _server.Requests.Count(r => r.Status == 503).ShouldBe(2);
        (await StatsAsync(store)).ShouldBe(new Stats(Facts.Length, Facts.Length, 0, "openai:fake"));
    }

    [Fact]
    public async Task A_server_whose_vectors_changed_length_is_refused_and_the_stored_vectors_stay()
    {
        string store = _dir.File("store");
        await IngestAsync(WriteFacts(), store);
        (await CliRunner.RunAsync(IndexArgs(store))).ExitCode.ShouldBe(0);
        await IngestAsync(WriteMany(5), store);
        _server.Dimensions = 32;

        // No --model: index resumes with the store's own model and endpoint.
        var failed = await CliRunner.RunAsync("index", "--store", store, "--progress", "none");
        failed.ExitCode.ShouldBe(ExitCodes.EndpointFailed, failed.ToString());
        failed.Stderr.ShouldContain(_server.BaseUrl + "/embeddings");
        failed.Stderr.ShouldContain("32 dimensions");
        (await StatsAsync(store)).ShouldBe(new Stats(Facts.Length + 5, Facts.Length, 5, "openai:fake"));

        _server.Dimensions = 64;
        var index = await CliRunner.RunAsync("index", "--store", store, "--progress", "none");
        index.ExitCode.ShouldBe(0, index.ToString());
        (await StatsAsync(store)).ShouldBe(new Stats(Facts.Length + 5, Facts.Length + 5, 0, "openai:fake"));
    }

    [Fact]
    public async Task Endpoint_settings_without_an_endpoint_model_and_an_empty_model_name_are_usage_errors()
    {
        string store = _dir.File("store");
        await IngestAsync(WriteFacts(), store);

        var embedded = await CliRunner.RunAsync("index", "--store", store, "--model", "minilm", "--embeddings-endpoint", _server.BaseUrl, "--progress", "none");
        embedded.ExitCode.ShouldBe(ExitCodes.BadInput, embedded.ToString());
        embedded.Stderr.ShouldContain("--model openai:NAME");

        var empty = await CliRunner.RunAsync("index", "--store", store, "--model", "openai:", "--embeddings-endpoint", _server.BaseUrl, "--progress", "none");
        empty.ExitCode.ShouldBe(ExitCodes.BadInput, empty.ToString());
        empty.Stderr.ShouldContain("openai:NAME");

        var badUrl = await CliRunner.RunAsync("index", "--store", store, "--model", "openai:fake", "--embeddings-endpoint", "ftp://example/v1", "--progress", "none");
        badUrl.ExitCode.ShouldBe(ExitCodes.BadInput, badUrl.ToString());
        badUrl.Stderr.ShouldContain("ftp://example/v1");

        _server.Requests.ShouldBeEmpty();
        (await StatsAsync(store)).Vectors.ShouldBe(0);
    }
}
