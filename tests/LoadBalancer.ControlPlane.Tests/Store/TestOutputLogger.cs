using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace LoadBalancer.ControlPlane.Tests.Store;

/// <summary>Writes log lines to the test's output, with the time since the test started and a name per store.</summary>
internal sealed class TestOutputLogger<T>(ITestOutputHelper output, string name, System.Diagnostics.Stopwatch clock) : ILogger<T>
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        try
        {
            output.WriteLine($"{clock.Elapsed.TotalSeconds,7:0.000} {name} {logLevel} {eventId.Id}: {formatter(state, exception)}{(exception is null ? "" : $" ({exception.GetType().Name}: {exception.Message})")}");
        }
        catch (InvalidOperationException)
        {
            // the test is over; the store's watch may still log while it stops
        }
    }
}
