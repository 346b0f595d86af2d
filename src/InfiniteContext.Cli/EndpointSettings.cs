using System.CommandLine;
using System.Globalization;

namespace InfiniteContext.Cli;

/// <summary>
/// The command-line settings of an OpenAI-compatible embeddings endpoint, shared by <c>index</c> and <c>eval</c>.
/// The API key is deliberately not among them: it comes from $INFCTX_EMBEDDINGS_API_KEY only, so it never
/// appears in a process list or shell history, and it is never written to the store.
/// </summary>
internal sealed record EndpointSettings(string? Endpoint, string? QueryPrefix, int BatchSize, int Retries, TimeSpan Timeout)
{
    public static readonly EndpointSettings Defaults = new(null, null, 64, 3, TimeSpan.FromSeconds(100));

    /// <summary>True when an endpoint-only setting was given (an error with an embedded model).</summary>
    public bool Given => Endpoint is not null || QueryPrefix is not null;

    /// <summary>The options, added to a command; <see cref="Read"/> reads them back from a parse.</summary>
    public sealed class Options
    {
        private readonly Option<string?> _endpoint = new("--embeddings-endpoint")
        {
            Description = $"API base of an OpenAI-compatible embeddings server for --model openai:NAME, e.g. http://127.0.0.1:11434/v1 (default: ${Models.EndpointEnvironmentVariable}, the store's, or api.openai.com). The key comes from ${Models.ApiKeyEnvironmentVariable}.",
        };
        private readonly Option<string?> _queryPrefix = new("--query-prefix")
        {
            Description = "Prepended to every query before an endpoint model embeds it (e.g. 'search_query: '); remembered with the store.",
        };
        private readonly Option<int> _batch = new("--embeddings-batch") { Description = "Texts per endpoint request.", DefaultValueFactory = _ => Defaults.BatchSize };
        private readonly Option<int> _retries = new("--embeddings-retries") { Description = "Retries on 408/429/5xx and connection failures, with exponential backoff.", DefaultValueFactory = _ => Defaults.Retries };
        private readonly Option<double> _timeout = new("--embeddings-timeout") { Description = "Seconds one endpoint request may take.", DefaultValueFactory = _ => Defaults.Timeout.TotalSeconds };

        public void AddTo(Command command)
        {
            command.Options.Add(_endpoint);
            command.Options.Add(_queryPrefix);
            command.Options.Add(_batch);
            command.Options.Add(_retries);
            command.Options.Add(_timeout);
        }

        public EndpointSettings Read(ParseResult result)
        {
            int batch = result.GetValue(_batch);
            if (batch <= 0) throw new CliUsageException("--embeddings-batch must be at least 1.");
            int retries = result.GetValue(_retries);
            if (retries < 0) throw new CliUsageException("--embeddings-retries must be 0 or more.");
            double timeout = result.GetValue(_timeout);
            if (!(timeout > 0)) throw new CliUsageException(string.Create(CultureInfo.InvariantCulture, $"--embeddings-timeout must be a positive number of seconds, not {timeout}."));
            return new EndpointSettings(result.GetValue(_endpoint), result.GetValue(_queryPrefix), batch, retries, TimeSpan.FromSeconds(timeout));
        }
    }
}
