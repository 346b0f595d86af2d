using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace InfiniteContext.Cli.Output;

/// <summary>
/// Long operations report through this: a live bar on a terminal, or one plain line per interval on stderr
/// (stdout stays clean for --json). The bar tracks a 0..total quantity (bytes read, entries embedded);
/// the status text carries the counts.
/// </summary>
internal sealed class ProgressDisplay
{
    private readonly ProgressMode _mode;
    private readonly TimeSpan _interval;
    private readonly string _label;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan? _lastPrinted;

    public ProgressDisplay(ProgressMode mode, string label, TimeSpan interval)
    {
        _mode = ProgressModes.Resolve(mode);
        _label = label;
        _interval = interval;
    }

    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Runs <paramref name="work"/> with a reporter: (done, total or 0 if unknown, status text).</summary>
    public async Task<T> RunAsync<T>(Func<Action<double, double, string>, Task<T>> work)
    {
        if (_mode != ProgressMode.Bar)
        {
            return await work((done, total, status) =>
            {
                if (_mode != ProgressMode.Plain) return;
                var now = _clock.Elapsed;
                if (_lastPrinted is { } last && now - last < _interval) return;
                _lastPrinted = now;
                string pct = total > 0 ? string.Create(CultureInfo.InvariantCulture, $" {Math.Min(100, 100 * done / total):0.0}%") : "";
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{_label}:{pct} {status} ({now.TotalSeconds:0.0}s)"));
            });
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        T result = default!;
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(_label), maxValue: 1);
                result = await work((done, total, status) =>
                {
                    if (total > 0)
                    {
                        task.MaxValue = total;
                        task.Value = Math.Min(done, total);
                    }
                    else
                    {
                        task.IsIndeterminate = true;
                    }
                    task.Description = Markup.Escape($"{_label}: {status}");
                });
                task.Value = task.MaxValue;
            });
        return result;
    }

    /// <summary>The closing line, always printed (except with --progress none) so logs show the outcome.</summary>
    public void Done(string status)
    {
        if (_mode == ProgressMode.None) return;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{_label}: {status} ({_clock.Elapsed.TotalSeconds:0.0}s)"));
    }
}
