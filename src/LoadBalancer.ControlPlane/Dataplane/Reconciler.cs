using LoadBalancer.Bpf.Programs;
using LoadBalancer.ControlPlane.Store;
using LoadBalancer.Core.Config;
using LoadBalancer.Core.Health;
using LoadBalancer.Core.Model;
using LoadBalancer.Core.Planning;
using LoadBalancer.Core.State;
using Microsoft.Extensions.Logging;

namespace LoadBalancer.ControlPlane.Dataplane;

/// <summary>
/// Keeps the data plane equal to the desired state. Every change, from lbctl or a reload of the
/// configuration, takes the same path, one at a time: compute the new state, validate the whole of
/// it, keep it (the store), plan it, write the difference into the maps. A change that does not
/// validate leaves everything as it was and says why, with every problem. Health (the
/// <see cref="HealthBoard"/>) weighs in on every plan: backends out of service get weight 0, those
/// ramping a share; <see cref="RefreshAsync"/> re-plans when only health changed.
/// </summary>
public sealed partial class Reconciler : IDisposable
{
    private readonly IDesiredStateStore _store;
    private readonly HealthBoard _health;
    private readonly string _pinDirectory;
    private readonly TimeProvider _time;
    private readonly ILogger<Reconciler> _log;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private DataplaneHost? _host;
    private DataplanePlanner? _planner;
    private DataplaneSynchronizer? _synchronizer;

    /// <summary>A reconciler between <paramref name="store"/> and the data plane pinned under <paramref name="pinDirectory"/>.</summary>
    public Reconciler(IDesiredStateStore store, HealthBoard health, string pinDirectory, TimeProvider time, ILogger<Reconciler> log)
    {
        _store = store;
        _health = health;
        _pinDirectory = pinDirectory;
        _time = time;
        _log = log;
    }

    /// <summary>The state in force, or null before <see cref="StartAsync"/> succeeded.</summary>
    public ReconcilerState? Current { get; private set; }

    /// <summary>The last change or reload that was refused or failed.</summary>
    public string? LastError { get; private set; }

    /// <summary>Whether this node is part of a cluster: its store is shared (etcd) or it announces over BGP.</summary>
    public bool Clustered => _store.Shared || Current?.Spec.Bgp is not null;

    /// <summary>The running data plane.</summary>
    public DataplaneHost Host => _host ?? throw new InvalidOperationException("the data plane is not started");

    /// <summary>
    /// Reads the desired state, takes over or loads the data plane, attaches it and applies the state.
    /// Any failure is fatal to the daemon's start, and leaves nothing new attached.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var desired = await _store.LoadAsync(cancellationToken);
        var spec = ConfigValidator.Validate(desired.Effective);
        _host = DataplaneHost.Start(spec.Node, _pinDirectory);
        try
        {
            _planner = new DataplanePlanner(spec.Node);
            _synchronizer = new DataplaneSynchronizer(_host.Balancer);
            if (_host.Reused)
            {
                if (new FlowTable(_host.Balancer).ReleaseAbandoned(TimeSpan.FromMilliseconds(50)) is > 0 and var freed)
                {
                    LogAbandonedSlots(freed);
                }
                var (vips, backends) = DataplaneIds.Read(_host.Balancer);
                _planner.Restore(vips, backends, DataplaneIds.ReadFlowReferences(_host.Balancer), Monotonic.Now);
                _synchronizer.Resync();
                LogReused(_pinDirectory, vips.Count, backends.Count);
            }
            var ports = RedirectPortIndexes(spec.Node);
            _health.Sync(spec, Monotonic.Now);
            var outcome = Sync(desired, spec, Plan(spec, desired.Ids), generation: 1);
            RedirectPorts.Set(Host.Balancer, ports);
            FlowRecount.Apply(Host.Balancer, Current!.Plan.Backends.Keys);
            LogStarted(spec.Node.Interface, _store.Description, outcome.Summary);
        }
        catch
        {
            var created = !_host.Reused;
            _host.Dispose();
            _host = null;
            if (created)
            {
                DataplaneHost.Remove(_pinDirectory);
            }
            throw;
        }
    }

    /// <summary>
    /// Applies a run-time change to the overlay; the change function may throw <see cref="StateChangeException"/>.
    /// With a shared store, a change that raced another node's is redone on the state read again (up to 3 times).
    /// </summary>
    /// <exception cref="StateChangeException">What the change names is missing or there already.</exception>
    /// <exception cref="ConfigValidationException">The result is not a valid configuration (nothing changed).</exception>
    /// <exception cref="StoreUnavailableException">A shared store cannot be reached (nothing changed).</exception>
    public async Task<ChangeOutcome> ChangeAsync(Func<BalancerConfig, StateOverlay, StateOverlay> change, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var current = Current ?? throw new InvalidOperationException("the data plane is not started");
                var overlay = change(current.Desired.Config, current.Desired.Overlay);
                var desired = current.Desired with { Overlay = overlay };
                var spec = ConfigValidator.Validate(desired.Effective);
                try
                {
                    // Kept before the maps are written, so what is in force is always stored; if the
                    // write fails, a node's own state file goes back to the previous state as well.
                    var outcome = await ApplyAsync(current, desired, spec,
                        () => _store.CommitAsync(current.Desired, desired, cancellationToken),
                        () => _store.Shared ? Task.CompletedTask : _store.CommitAsync(desired, current.Desired, CancellationToken.None));
                    LogChanged(outcome.Generation, outcome.Summary);
                    return outcome;
                }
                catch (StoreConflictException e) when (attempt < 3)
                {
                    LogChangeRaced(e.Message);
                    await ReloadLockedAsync(cancellationToken);
                }
            }
        }
        catch (Exception e) when (e is StateChangeException or ConfigValidationException or StoreConflictException or StoreUnavailableException)
        {
            LastError = e.Message;
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Reads the desired state again (SIGHUP, file change, another node's commit, lbctl) and applies
    /// it, with the run-time changes on top. A shared store's state no newer than the one in force is
    /// not applied again, so changes apply in revision order.
    /// </summary>
    /// <exception cref="ConfigValidationException">The new configuration is invalid, or changes load-time settings; the running one stays.</exception>
    public async Task<ChangeOutcome> ReloadAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await ReloadLockedAsync(cancellationToken);
        }
        catch (Exception e) when (e is ConfigValidationException or InvalidDataException or IOException)
        {
            LastError = e.Message;
            LogReloadRefused(e.Message);
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Plans the state in force again with what health says now (an ejection, a return, a slow-start
    /// step) and writes the difference; the configuration and its generation stay.
    /// </summary>
    public async Task<SyncResult> RefreshAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var current = Current ?? throw new InvalidOperationException("the data plane is not started");
            var planned = Plan(current.Spec, current.Desired.Ids);
            var sync = _synchronizer!.Apply(planned.Plan);
            _planner = planned.Planner;
            Current = current with { Plan = planned.Plan };
            return sync;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Removes the flows of <paramref name="backends"/> from the flow table (see <see cref="FlowPurge"/>); returns how many went.</summary>
    public async Task<int> PurgeFlowsAsync(IReadOnlyCollection<BackendRef> backends, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var current = Current ?? throw new InvalidOperationException("the data plane is not started");
            var wanted = backends.ToHashSet();
            var ids = current.Plan.Backends.Where(b => wanted.Contains(b.Value)).Select(b => b.Key).ToHashSet();
            return FlowPurge.Remove(Host.Balancer, ids);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Recounts the active flows of the backends in force (see <see cref="FlowRecount"/>); returns how many counts were corrected.</summary>
    public async Task<int> RecountFlowsAsync(CancellationToken cancellationToken)
    {
        // the walk over the flow table needs no lock; only writing against the plan in force does
        var counts = FlowRecount.Count(Host.Balancer);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var current = Current ?? throw new InvalidOperationException("the data plane is not started");
            return FlowRecount.Write(Host.Balancer, counts, current.Plan.Backends.Keys);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _host?.Dispose();
        _gate.Dispose();
    }

    private async Task<ChangeOutcome> ReloadLockedAsync(CancellationToken cancellationToken)
    {
        var current = Current ?? throw new InvalidOperationException("the data plane is not started");
        var desired = await _store.LoadAsync(cancellationToken);
        if (_store.Shared && desired.Revision <= current.Desired.Revision)
        {
            return new ChangeOutcome(current.Generation, new SyncResult());
        }
        var spec = ConfigValidator.Validate(desired.Effective);
        if (Host.Differences(spec.Node) is { Count: > 0 } differences)
        {
            throw new ConfigValidationException([.. differences.Select(d => new ConfigError("node", $"{d}: fixed at load time; restart the data plane (lbd detach, then start lbd) to change it"))]);
        }
        var ports = RedirectPortIndexes(spec.Node);
        var outcome = await ApplyAsync(current, desired, spec, () => Task.FromResult(desired), () => Task.CompletedTask);
        RedirectPorts.Set(Host.Balancer, ports);
        LogReloaded(outcome.Generation, outcome.Summary);
        return outcome;
    }

    // A change or reload in force: health takes the new backends before the plan (one added or
    // returned ramps in from its first table), the change is kept (a shared store fixes the ids of
    // new VIPs and backends then), planned and the maps written; if a step fails, the kept state
    // (unless shared) and health go back to what is in force.
    private async Task<ChangeOutcome> ApplyAsync(ReconcilerState current, DesiredState desired, BalancerSpec spec, Func<Task<DesiredState>> persist, Func<Task> unpersist)
    {
        _health.Sync(spec, Monotonic.Now);
        try
        {
            var kept = await persist();
            try
            {
                return Sync(kept, spec, Plan(spec, kept.Ids), current.Generation + 1);
            }
            catch
            {
                await unpersist();
                throw;
            }
        }
        catch
        {
            _health.Sync(current.Spec, Monotonic.Now);
            throw;
        }
    }

    // Ids for the new state, with health's weights, on a copy of the planner that Sync keeps once the plan is in force;
    // running out of ids refuses the change like an invalid configuration.
    private (DataplanePlan Plan, DataplanePlanner Planner) Plan(BalancerSpec spec, PinnedIds? ids)
    {
        var planner = _planner!.Clone();
        try
        {
            var now = Monotonic.Now;
            return (planner.Plan(ServiceWeights.Apply(spec, _health.Weights(now)), now, ids), planner);
        }
        catch (InvalidOperationException e)
        {
            throw new ConfigValidationException([new ConfigError("vips", e.Message)]);
        }
    }

    private ChangeOutcome Sync(DesiredState desired, BalancerSpec spec, (DataplanePlan Plan, DataplanePlanner Planner) planned, long generation)
    {
        var plan = planned.Plan;
        SyncResult sync;
        try
        {
            sync = _synchronizer!.Apply(plan);
        }
        catch (Exception e)
        {
            LastError = $"writing the data plane failed: {e.Message}";
            LogApplyFailed(e);
            throw;
        }
        _planner = planned.Planner;
        Current = new ReconcilerState(desired, spec, plan, generation, _time.GetUtcNow());
        LastError = null;
        return new ChangeOutcome(generation, sync);
    }

    // Checked before anything is written; set once the new state is in force.
    private static List<int> RedirectPortIndexes(NodeSpec node)
    {
        var ifindexes = new List<int>();
        foreach (var name in node.RedirectInterfaces)
        {
            ifindexes.Add(NetDevice.TryIndexOf(name, out var index)
                ? index
                : throw new ConfigValidationException([new ConfigError("node.redirect_interfaces", $"interface '{name}' does not exist in this network namespace")]));
        }
        return ifindexes;
    }
}
