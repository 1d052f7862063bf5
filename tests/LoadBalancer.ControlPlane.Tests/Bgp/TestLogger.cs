using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace LoadBalancer.ControlPlane.Tests.Bgp;

/// <summary>Logs to the test's output (gobgpd's lines included, at Debug) and keeps the messages for asserts.</summary>
internal sealed class TestLogger(ITestOutputHelper output) : ILogger
{
    private readonly List<string> _messages = [];

    /// <summary>The messages logged so far.</summary>
    public IReadOnlyList<string> Messages
    {
        get
        {
            lock (_messages)
            {
                return [.. _messages];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var message = formatter(state, exception);
        lock (_messages)
        {
            _messages.Add(message);
        }
        try
        {
            output.WriteLine($"{DateTime.Now:HH:mm:ss.fff} {logLevel}: {message}{(exception is null ? "" : $" ({exception.Message})")}");
        }
        catch (InvalidOperationException)
        {
            // gobgpd's last lines can arrive after the test ended.
        }
    }
}
