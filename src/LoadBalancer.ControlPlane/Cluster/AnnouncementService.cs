using System.Net;
using LoadBalancer.ControlPlane.Bgp;
using LoadBalancer.ControlPlane.Dataplane;
using LoadBalancer.Core.Model;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LoadBalancer.ControlPlane.Cluster;

/// <summary>
/// Announces over BGP the VIP addresses this node can serve (<see cref="ServedVips"/>), none while
/// the node is drained (<see cref="NodeDrain"/>). Every 500 ms, and at once when the node is drained
/// or undrained, it syncs the speaker's routes with that set and reads the sessions' state. On a
/// graceful stop it withdraws everything first, then lets the data plane forward for the drain
/// grace (the routers need a moment to move the flows), then stops the speaker. Runs only when the
/// configuration has a <c>bgp</c> section; BGP settings are read at start.
/// </summary>
public sealed partial class AnnouncementService(Reconciler reconciler, NodeDrain drain, BgpMetrics metrics, TimeProvider time, ILogger<AnnouncementService> log) : BackgroundService
{
    private static readonly TimeSpan s_period = TimeSpan.FromMilliseconds(500);
    private readonly SemaphoreSlim _kick = new(0);
    private readonly Lock _waitersLock = new();
    private List<TaskCompletionSource> _waiters = [];
    private BgpSpec? _spec;
    private GobgpSpeaker? _speaker;
    private BgpAnnouncer? _announcer;

    /// <summary>The latest view of BGP.</summary>
    public BgpSnapshot Current { get; private set; } = BgpSnapshot.Disabled;

    /// <summary>The BGP settings in force; null without BGP.</summary>
    public BgpSpec? Spec => _spec;

    /// <summary>
    /// Syncs now and returns once the speaker's routes match (or the attempt failed: see
    /// <see cref="Current"/>); at once when there is no BGP or no speaker yet.
    /// </summary>
    public Task SyncNowAsync(CancellationToken cancellationToken)
    {
        if (_spec is null || _announcer is null)
        {
            return Task.CompletedTask;
        }
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waitersLock)
        {
            _waiters.Add(done);
        }
        _kick.Release();
        return done.Task.WaitAsync(cancellationToken);
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _spec = reconciler.Current?.Spec.Bgp;
        if (_spec is null)
        {
            return;
        }
        drain.Changed += Kick;
        var describe = $"gobgpd ({(_spec.Speaker == BgpSpeakerMode.Start ? "started by lbd" : "running on its own")}) at {_spec.Api}";
        Current = new BgpSnapshot(true, describe, [], [], [], "connecting to the speaker", time.GetUtcNow());
        var backoff = TimeSpan.FromMilliseconds(500);
        while (!stoppingToken.IsCancellationRequested && _speaker is null)
        {
            try
            {
                _speaker = await GobgpSpeaker.StartAsync(_spec, log, stoppingToken);
                _announcer = new BgpAnnouncer(_speaker);
                LogSpeakerReady(describe, _spec.Peers.Count);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogSpeakerFailed(describe, e.Message, backoff.TotalSeconds);
                Current = Current with { LastError = e.Message, At = time.GetUtcNow() };
                await Delay(backoff, stoppingToken);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            List<TaskCompletionSource> waiters;
            lock (_waitersLock)
            {
                (waiters, _waiters) = (_waiters, []);
            }
            await RoundAsync(describe, stoppingToken);
            waiters.ForEach(w => w.TrySetResult());
            await _kick.WaitAsync(s_period, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <inheritdoc/>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        drain.Changed -= Kick;
        await base.StopAsync(cancellationToken);
        if (_announcer is null || _speaker is null || _spec is null)
        {
            return;
        }
        try
        {
            var announced = _announcer.Announced.Count;
            await _announcer.WithdrawAllAsync(cancellationToken);
            if (announced > 0 && _spec.DrainGrace > TimeSpan.Zero)
            {
                LogWithdrawnForStop(announced, _spec.DrainGrace.TotalSeconds);
                await Task.Delay(_spec.DrainGrace, time, cancellationToken);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogWithdrawFailed(e.Message);
        }
        finally
        {
            await _speaker.DisposeAsync();
        }
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _kick.Dispose();
        base.Dispose();
    }

    private void Kick() => _kick.Release();

    private async Task RoundAsync(string describe, CancellationToken cancellationToken)
    {
        var state = reconciler.Current;
        IReadOnlyList<IPAddress> wanted = ServedVips.Addresses(state, state is not null && reconciler.Host.Link.IsAttached);
        var announce = drain.Drained ? [] : wanted;
        try
        {
            var result = await _announcer!.SyncAsync(announce, cancellationToken);
            foreach (var vip in result.Announced)
            {
                LogAnnounced(vip.ToString());
            }
            foreach (var vip in result.Withdrawn)
            {
                LogWithdrawn(vip.ToString(), drain.Drained ? "node drained" : "no backend can serve it");
            }
            metrics.Synced(result);
            var peers = await _speaker!.PeersAsync(cancellationToken);
            metrics.Sessions(peers);
            LogSessionChanges(peers);
            Current = new BgpSnapshot(true, describe, peers, [.. _announcer.Announced], wanted, null, time.GetUtcNow());
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (e is BgpSyncException partial)
            {
                // what did happen before the failure, so the metrics follow the speaker
                metrics.Synced(partial.Done);
            }
            if (Current.LastError != e.Message)
            {
                LogSyncFailed(e.Message);
            }
            Current = Current with { Announced = [.. _announcer!.Announced], Wanted = wanted, LastError = e.Message, At = time.GetUtcNow() };
        }
    }

    private void LogSessionChanges(IReadOnlyList<BgpPeerStatus> peers)
    {
        var before = Current.Peers.ToDictionary(p => p.Address, p => p.State);
        foreach (var peer in peers)
        {
            if (!before.TryGetValue(peer.Address, out var was) || was != peer.State)
            {
                LogSession(peer.Address.ToString(), peer.State);
            }
        }
    }

    private async Task Delay(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    [LoggerMessage(EventId = 1501, Level = LogLevel.Information, Message = "BGP speaker ready: {Speaker}, {Peers} peers configured")]
    private partial void LogSpeakerReady(string speaker, int peers);

    [LoggerMessage(EventId = 1502, Level = LogLevel.Error, Message = "BGP speaker {Speaker} is not usable, retrying in {Seconds}s: {Reason}")]
    private partial void LogSpeakerFailed(string speaker, string reason, double seconds);

    [LoggerMessage(EventId = 1503, Level = LogLevel.Information, Message = "announced VIP {Vip}")]
    private partial void LogAnnounced(string vip);

    [LoggerMessage(EventId = 1504, Level = LogLevel.Warning, Message = "withdrew VIP {Vip}: {Why}")]
    private partial void LogWithdrawn(string vip, string why);

    [LoggerMessage(EventId = 1505, Level = LogLevel.Information, Message = "BGP session with {Peer}: {State}")]
    private partial void LogSession(string peer, string state);

    [LoggerMessage(EventId = 1506, Level = LogLevel.Error, Message = "BGP sync failed (retrying): {Reason}")]
    private partial void LogSyncFailed(string reason);

    [LoggerMessage(EventId = 1507, Level = LogLevel.Information, Message = "stopping: withdrew {Count} VIPs; forwarding for the drain grace of {Seconds}s before the speaker stops")]
    private partial void LogWithdrawnForStop(int count, double seconds);

    [LoggerMessage(EventId = 1508, Level = LogLevel.Error, Message = "stopping: withdrawing the VIPs failed: {Reason}")]
    private partial void LogWithdrawFailed(string reason);
}
