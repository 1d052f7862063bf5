using Microsoft.Extensions.Logging;

namespace LoadBalancer.ControlPlane.Dataplane;

public sealed partial class Reconciler
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "data plane on {Interface} in force from {Store}: {Summary}")]
    private partial void LogStarted(string @interface, string store, string summary);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "took over the data plane pinned at {PinDirectory}: {Vips} VIPs, {Backends} backends, flows kept")]
    private partial void LogReused(string pinDirectory, int vips, int backends);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Warning, Message = "freed {Slots} flow-table slots an earlier lbd was killed while writing; their flows are placed again on their next packet")]
    private partial void LogAbandonedSlots(int slots);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "change applied, generation {Generation}: {Summary}")]
    private partial void LogChanged(long generation, string summary);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "configuration reloaded, generation {Generation}: {Summary}")]
    private partial void LogReloaded(long generation, string summary);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "configuration reload refused, the running configuration stays: {Reason}")]
    private partial void LogReloadRefused(string reason);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Information, Message = "another node changed the shared state first; reading it again and redoing the change: {Reason}")]
    private partial void LogChangeRaced(string reason);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Error, Message = "writing the data plane failed; the next change reads the maps back and converges")]
    private partial void LogApplyFailed(Exception exception);
}
