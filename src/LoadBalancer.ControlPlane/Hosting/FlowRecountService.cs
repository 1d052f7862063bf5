using LoadBalancer.ControlPlane.Dataplane;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LoadBalancer.ControlPlane.Hosting;

/// <summary>
/// Recounts the backends' active flows every <see cref="Interval"/> (see <see cref="FlowRecount"/>), so
/// lc and wlc compare counts that flows ended by eviction, idle timeout or an unseen close do not inflate.
/// </summary>
public sealed partial class FlowRecountService(Reconciler reconciler, TimeProvider time, ILogger<FlowRecountService> log) : BackgroundService
{
    /// <summary>Time between recounts.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var corrected = await reconciler.RecountFlowsAsync(stoppingToken);
                if (corrected > 0)
                {
                    LogCorrected(corrected);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(e.Message);
            }
        }
    }

    [LoggerMessage(EventId = 1301, Level = LogLevel.Debug, Message = "active-flow recount corrected {Count} backends")]
    private partial void LogCorrected(int count);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Warning, Message = "active-flow recount failed: {Reason}")]
    private partial void LogFailed(string reason);
}
