using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace InfiniteContext.Testing;

/// <summary>
/// A local double of an OpenAI-compatible embeddings server on loopback (HttpListener): <c>POST {BaseUrl}/embeddings</c>
/// answers with deterministic vectors (a hashed bag of words: texts that share words point the same way), in the
/// float or base64 encoding the client asks for, and records every request. Failures are switched on per test.
/// Linked into the test projects that talk to an endpoint.
/// </summary>
public sealed class FakeEmbeddingServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private int _served;

    public FakeEmbeddingServer(int dimensions = 64)
    {
        Dimensions = dimensions;
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    /// <summary>The API base clients are configured with.</summary>
    public string BaseUrl => $"http://127.0.0.1:{Port}/v1";

    /// <summary>The vector length answered; change it to play a server whose model changed.</summary>
    public int Dimensions { get; set; }

    /// <summary>When set, every request is answered with this status (and a JSON error body).</summary>
    public int? FailWith { get; set; }

    /// <summary>Requests answered normally before <see cref="FailWith"/> takes effect (counted over all requests).</summary>
    public int FailAfter { get; set; }

    /// <summary>The next this-many requests get 503 first (a transient failure), then service resumes.</summary>
    public int TransientFailures { get => Volatile.Read(ref _transient); set => Volatile.Write(ref _transient, value); }

    private int _transient;

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public sealed record RecordedRequest(string Path, string? Model, IReadOnlyList<string> Inputs, string? Authorization, string? EncodingFormat, int Status);

    /// <summary>A port nobody listens on (for "endpoint down"): bound, read, released.</summary>
    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>The server's vector for a text, unit length: tokens hashed into signed buckets.</summary>
    public static float[] Embed(string text, int dimensions)
    {
        var v = new float[dimensions];
        foreach (var token in Tokens(text))
        {
            uint h = 2166136261;
            foreach (char c in token) h = (h ^ c) * 16777619;
            v[h % (uint)dimensions] += (h & 0x80000000) != 0 ? -1f : 1f;
        }
        double norm = Math.Sqrt(v.Sum(x => (double)x * x));
        if (norm > 0) for (int i = 0; i < v.Length; i++) v[i] = (float)(v[i] / norm);
        // Not unit length on purpose: clients must normalize what a server returns.
        for (int i = 0; i < v.Length; i++) v[i] *= 3f;
        return v;
    }

    private static IEnumerable<string> Tokens(string text)
    {
        var sb = new StringBuilder();
        foreach (char c in text.ToLowerInvariant() + " ")
        {
            if (char.IsLetterOrDigit(c)) { sb.Append(c); continue; }
            if (sb.Length > 0) { yield return sb.ToString(); sb.Clear(); }
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception) when (!_listener.IsListening) { return; }
            catch (HttpListenerException) { return; }
            try { await HandleAsync(context); }
            catch (Exception) { try { context.Response.Abort(); } catch (ObjectDisposedException) { } }
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        string body;
        using (var reader = new StreamReader(request.InputStream, Encoding.UTF8)) body = await reader.ReadToEndAsync();
        string path = request.Url?.AbsolutePath ?? "";
        string? model = null, format = null;
        var inputs = new List<string>();
        try
        {
            var json = JsonNode.Parse(body);
            model = json?["model"]?.GetValue<string>();
            format = json?["encoding_format"]?.GetValue<string>();
            switch (json?["input"])
            {
                case JsonArray a: inputs.AddRange(a.Select(x => x!.GetValue<string>())); break;
                case JsonValue s: inputs.Add(s.GetValue<string>()); break;
            }
        }
        catch (JsonException) { }

        int n = Interlocked.Increment(ref _served);
        int status = path != "/v1/embeddings" || request.HttpMethod != "POST" ? 404
            : Volatile.Read(ref _transient) > 0 && Interlocked.Decrement(ref _transient) >= 0 ? 503
            : FailWith is { } fail && n > FailAfter ? fail
            : 200;
        Requests.Enqueue(new RecordedRequest(path, model, inputs, request.Headers["Authorization"], format, status));

        object response = status == 200 ? Success(model, inputs, format) : new { error = new { message = $"fake server says {status}", type = "server_error" } };
        var bytes = JsonSerializer.SerializeToUtf8Bytes(response);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }

    private object Success(string? model, List<string> inputs, string? format) => new
    {
        @object = "list",
        model,
        data = inputs.Select((text, i) =>
        {
            var v = Embed(text, Dimensions);
            object embedding = format == "base64" ? Convert.ToBase64String(System.Runtime.InteropServices.MemoryMarshal.AsBytes(v.AsSpan())) : v;
            return new { @object = "embedding", index = i, embedding };
        }).ToArray(),
        usage = new { prompt_tokens = inputs.Sum(t => t.Length / 4), total_tokens = inputs.Sum(t => t.Length / 4) },
    };

    /// <summary>The inputs of every successful request to the embeddings path, in order.</summary>
    public IReadOnlyList<string> EmbeddedTexts => Requests.Where(r => r.Status == 200).SelectMany(r => r.Inputs).ToList();

    public void Dispose()
    {
        // Close alone: on Unix the managed HttpListener's Stop and Close each unregister the listener, and the second
        // unregistration binds the port again to look it up, which fails (Address already in use) when another test
        // has taken the port in between. Seen once in a full run.
        _listener.Close();
        try { _loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
    }
}
