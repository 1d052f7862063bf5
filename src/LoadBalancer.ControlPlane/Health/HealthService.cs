using LoadBalancer.Bpf.Abi;
using LoadBalancer.ControlPlane.Dataplane;
using LoadBalancer.ControlPlane.Health.Probes;
using LoadBalancer.ControlPlane.Metrics;
using LoadBalancer.Core.Health;
using LoadBalancer.Core.Model;
using LoadBalancer.Core.Planning;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LoadBalancer.ControlPlane.Health;

/// <summary>
/// The health checker. Every actively checked backend has its own probe loop (see
/// <see cref="ProbeSchedule"/>), so a slow backend delays no other; at most
/// <see cref="MaxConcurrentProbes"/> probes run at once. Results go to the <see cref="HealthBoard"/>.
/// Every <see cref="Tick"/>, and at once when a probe changes a backend's health, a round reads the
/// data plane's passive signal into the board, applies the rails, re-plans the data plane when a
/// backend's weight share changed (ejection, return, slow-start step), logs and counts transitions,
/// and removes the flows of backends whose drain is over.
/// </summary>
public sealed partial class HealthService(
    Reconciler reconciler, HealthBoard board, Prober prober, HealthMetrics metrics, TimeProvider time, ILogger<HealthService> log) : BackgroundService
{
    /// <summary>Time between rounds when nothing wakes the service earlier.</summary>
    public static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);

    /// <summary>Probes running at once, at most.</summary>
    public const int MaxConcurrentProbes = 64;

    private readonly SemaphoreSlim _slots = new(MaxConcurrentProbes);
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Dictionary<(BackendRef, ProbeSpec), CancellationTokenSource> _loops = [];
    private Dictionary<BackendRef, int>? _applied;
    private Dictionary<BackendRef, BackendVerdict> _verdicts = [];
    private Dictionary<VipKey, bool> _failOpen = [];

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await RoundAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogRoundFailed(e);
                }
                await _wake.WaitAsync(Tick, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var loop in _loops.Values)
            {
                loop.Cancel();
                loop.Dispose();
            }
            _loops.Clear();
        }
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _slots.Dispose();
        _wake.Dispose();
        base.Dispose();
    }

    private async Task RoundAsync(CancellationToken cancellationToken)
    {
        if (reconciler.Current is not { } state)
        {
            return;
        }
        var now = Monotonic.Now;
        StartAndStopProbes(cancellationToken);
        ReadPassiveSignal(state, now);
        var reports = board.Evaluate(now);
        var weights = reports.SelectMany(v => v.Backends).ToDictionary(b => b.Backend, b => b.Verdict.WeightPercent);
        if (_applied is null || !SameWeights(weights, _applied))
        {
            var sync = await reconciler.RefreshAsync(cancellationToken);
            _applied = weights;
            if (sync.Changed)
            {
                LogApplied(sync.Summary);
            }
        }
        Report(reports);
        var ids = reconciler.Current.Plan.Backends.ToDictionary(b => b.Value, b => b.Key);
        var due = board.DueForPurge(now, b => ids.TryGetValue(b, out var id) ? StatsReader.ActiveFlows(reconciler.Host.Balancer, id) : 0);
        if (due.Count > 0)
        {
            var removed = await reconciler.PurgeFlowsAsync(due, cancellationToken);
            board.Purged(due, now);
            foreach (var backend in due)
            {
                LogFlowsRemoved(backend.Vip.ToString(), backend.Address.ToString());
            }
            LogFlowEntriesRemoved(removed, due.Count);
        }
    }

    // One loop per (backend, check): a changed check is a new loop, the old one is cancelled.
    private void StartAndStopProbes(CancellationToken cancellationToken)
    {
        var wanted = board.Targets().ToHashSet();
        foreach (var gone in _loops.Keys.Where(k => !wanted.Contains(k)).ToList())
        {
            _loops[gone].Cancel();
            _loops[gone].Dispose();
            _loops.Remove(gone);
        }
        foreach (var target in wanted.Where(t => !_loops.ContainsKey(t)))
        {
            var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _loops.Add(target, cancel);
            _ = ProbeLoopAsync(target.Backend, target.Probe, cancel.Token);
        }
    }

    private async Task ProbeLoopAsync(BackendRef backend, ProbeSpec probe, CancellationToken cancellationToken)
    {
        var target = new ProbeTarget(backend.Vip, backend.Address);
        var start = ProbeSchedule.First(probe, Monotonic.Now, Random.Shared.NextDouble());
        try
        {
            while (true)
            {
                var wait = start - Monotonic.Now;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, cancellationToken);
                }
                ProbeResult result;
                await _slots.WaitAsync(cancellationToken);
                try
                {
                    result = await prober.RunAsync(probe, target, cancellationToken);
                }
                finally
                {
                    _slots.Release();
                }
                metrics.Probed(backend, result);
                if (board.Record(backend, probe, result, Monotonic.Now))
                {
                    _wake.Release();
                }
                // a probe that waited for a slot does not make the next ones burst to catch up
                start = ProbeSchedule.Next(probe, start, Random.Shared.NextDouble());
                if (start < Monotonic.Now)
                {
                    start = Monotonic.Now;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            LogProbeLoopFailed(backend.Vip.ToString(), backend.Address.ToString(), e);
        }
    }

    // The data plane's per-backend totals of SYN retransmits and fresh client RSTs (TCP VIPs only).
    private void ReadPassiveSignal(ReconcilerState state, TimeSpan now)
    {
        var balancer = reconciler.Host.Balancer;
        foreach (var (id, backend) in state.Plan.Backends)
        {
            if (backend.Vip.Protocol != L4Protocol.Tcp)
            {
                continue;
            }
            var total = LbStats.Sum(balancer.RealStats.Lookup(id));
            if (board.ObservePassive(backend, (long)(total.SynRetransmits + total.FreshRsts), (long)total.NewFlows, now) is { } why)
            {
                LogPassiveEjection(backend.Vip.ToString(), backend.Address.ToString(), why);
            }
        }
    }

    private void Report(IReadOnlyList<VipReport> reports)
    {
        var verdicts = new Dictionary<BackendRef, BackendVerdict>();
        var failOpen = new Dictionary<VipKey, bool>();
        foreach (var vip in reports)
        {
            failOpen[vip.Vip] = vip.Pool.FailOpen;
            if (_failOpen.TryGetValue(vip.Vip, out var was) && was != vip.Pool.FailOpen)
            {
                if (vip.Pool.FailOpen)
                {
                    LogFailOpen(vip.Vip.ToString(), vip.Pool.Healthy, vip.Pool.Pool);
                }
                else
                {
                    LogFailOpenOver(vip.Vip.ToString(), vip.Pool.Healthy, vip.Pool.Pool);
                }
            }
            foreach (var b in vip.Backends)
            {
                verdicts[b.Backend] = b.Verdict;
                if (!_verdicts.TryGetValue(b.Backend, out var before))
                {
                    continue;
                }
                if (before.State != b.Verdict.State)
                {
                    metrics.Transition(b.Backend, b.Verdict.State);
                    LogTransition(vip.Vip.ToString(), b.Backend.Address.ToString(), BackendStates.Name(before.State), BackendStates.Name(b.Verdict.State),
                        b.Verdict.TakesNewFlows, b.Verdict.Reason ?? "-");
                }
                else if (before.TakesNewFlows != b.Verdict.TakesNewFlows)
                {
                    LogServiceChange(vip.Vip.ToString(), b.Backend.Address.ToString(), BackendStates.Name(b.Verdict.State), b.Verdict.TakesNewFlows, b.Verdict.Reason ?? "-");
                }
            }
        }
        (_verdicts, _failOpen) = (verdicts, failOpen);
        metrics.Update(reports);
    }

    private static bool SameWeights(Dictionary<BackendRef, int> a, Dictionary<BackendRef, int> b)
        => a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var v) && v == p.Value);

    [LoggerMessage(EventId = 1401, Level = LogLevel.Warning, Message = "backend {Backend} of {Vip}: {From} -> {To}, takes new flows: {Serving} ({Reason})")]
    private partial void LogTransition(string vip, string backend, string from, string to, bool serving, string reason);

    [LoggerMessage(EventId = 1402, Level = LogLevel.Warning, Message = "backend {Backend} of {Vip} ({State}) takes new flows: {Serving} ({Reason})")]
    private partial void LogServiceChange(string vip, string backend, string state, bool serving, string reason);

    [LoggerMessage(EventId = 1403, Level = LogLevel.Error, Message = "fail-open for {Vip}: {Healthy} of {Pool} backends healthy, below the panic threshold; every backend takes new flows")]
    private partial void LogFailOpen(string vip, int healthy, int pool);

    [LoggerMessage(EventId = 1404, Level = LogLevel.Warning, Message = "fail-open over for {Vip}: {Healthy} of {Pool} backends healthy")]
    private partial void LogFailOpenOver(string vip, int healthy, int pool);

    [LoggerMessage(EventId = 1405, Level = LogLevel.Warning, Message = "backend {Backend} of {Vip} ejected by the passive signal: {Why}")]
    private partial void LogPassiveEjection(string vip, string backend, string why);

    [LoggerMessage(EventId = 1406, Level = LogLevel.Information, Message = "flows of backend {Backend} of {Vip} removed: out of service past its drain")]
    private partial void LogFlowsRemoved(string vip, string backend);

    [LoggerMessage(EventId = 1407, Level = LogLevel.Debug, Message = "{Removed} flow entries of {Backends} backends removed")]
    private partial void LogFlowEntriesRemoved(int removed, int backends);

    [LoggerMessage(EventId = 1408, Level = LogLevel.Information, Message = "health applied to the data plane: {Summary}")]
    private partial void LogApplied(string summary);

    [LoggerMessage(EventId = 1409, Level = LogLevel.Error, Message = "health round failed; the next one retries")]
    private partial void LogRoundFailed(Exception exception);

    [LoggerMessage(EventId = 1410, Level = LogLevel.Error, Message = "probe loop of backend {Backend} of {Vip} failed")]
    private partial void LogProbeLoopFailed(string vip, string backend, Exception exception);
}
