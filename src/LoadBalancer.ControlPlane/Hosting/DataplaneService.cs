using System.Runtime.InteropServices;
using LoadBalancer.Bpf.Interop;
using LoadBalancer.ControlPlane.Dataplane;
using LoadBalancer.ControlPlane.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LoadBalancer.ControlPlane.Hosting;

/// <summary>
/// Runs the <see cref="Reconciler"/> in the host's lifecycle. The data plane starts in
/// <see cref="StartingAsync"/>, so a failure there (bad configuration, missing interface, refused
/// program) stops lbd before anything else runs. SIGHUP and a write to the configuration file
/// reload. Stopping leaves the pinned data plane forwarding: a restarted lbd takes it over.
/// </summary>
public sealed partial class DataplaneService(Reconciler reconciler, IDesiredStateStore store, ILoggerFactory loggers, ILogger<DataplaneService> log) : IHostedLifecycleService, IDisposable
{
    private PosixSignalRegistration? _hangup;

    /// <inheritdoc/>
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        var libbpf = loggers.CreateLogger("libbpf");
        LibbpfLog.SetSink((level, message) => libbpf.Log(level switch
        {
            LibbpfLogLevel.Warning => LogLevel.Warning,
            LibbpfLogLevel.Info => LogLevel.Information,
            _ => LogLevel.Debug,
        }, "{Message}", message));
        return reconciler.StartAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        _hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            Reload("SIGHUP");
        });
        store.Changed += OnConfigChanged;
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        store.Changed -= OnConfigChanged;
        _hangup?.Dispose();
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        LogStopped(reconciler.Current is null ? "" : reconciler.Host.PinDirectory);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public void Dispose() => _hangup?.Dispose();

    private void OnConfigChanged() => Reload("configuration file changed");

    private void Reload(string why) => _ = Task.Run(async () =>
    {
        try
        {
            LogReloading(why);
            await reconciler.ReloadAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            // The reconciler has logged the refusal; the running state stays.
            LogReloadEnded(e.Message);
        }
    });

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "reloading the configuration ({Why})")]
    private partial void LogReloading(string why);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Debug, Message = "reload ended without a change: {Reason}")]
    private partial void LogReloadEnded(string reason);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Information, Message = "lbd stopped; the data plane pinned at {PinDirectory} keeps forwarding")]
    private partial void LogStopped(string pinDirectory);
}
