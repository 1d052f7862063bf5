using LoadBalancer.Core.Model;
using LoadBalancer.Core.Planning;

namespace LoadBalancer.Core.Health;

/// <summary>
/// Every backend's health and service state, and what the rails make of them: the health checker
/// records probe results and passive ejections here, the reconciler reads the weight share of each
/// backend (<see cref="Weights"/>) when it plans the data plane. It remembers what the rails decided
/// last, so it sees a backend come back into service (and ramps it: slow start) or leave it (and
/// times its drain). Thread-safe; times are monotonic.
/// </summary>
public sealed class HealthBoard
{
    private readonly Lock _lock = new();
    private readonly Dictionary<BackendRef, Entry> _entries = [];
    private IReadOnlyList<VipSpec> _vips = [];
    private bool _synced;

    /// <summary>
    /// Takes the backends of <paramref name="spec"/>: new ones start healthy (and, after the first
    /// call, out of service, so they ramp in), gone ones are forgotten, a changed check applies from
    /// the next probe, a backend enabled again starts healthy.
    /// </summary>
    public void Sync(BalancerSpec spec, TimeSpan now)
    {
        lock (_lock)
        {
            var wanted = new HashSet<BackendRef>();
            foreach (var vip in spec.Vips)
            {
                foreach (var backend in vip.Backends)
                {
                    var reference = new BackendRef(vip.Key, backend.Address);
                    wanted.Add(reference);
                    if (!_entries.TryGetValue(reference, out var entry))
                    {
                        _entries.Add(reference, new Entry(backend, new BackendHealth(backend.Probe, now), serving: !_synced, now));
                        continue;
                    }
                    if ((entry.Spec.Disabled && !backend.Disabled) || (entry.Spec.Probe.IsActive && !backend.Probe.IsActive))
                    {
                        entry.Health = new BackendHealth(backend.Probe, now);
                    }
                    else if (!entry.Spec.Probe.Equals(backend.Probe))
                    {
                        entry.Health.Reprobe(backend.Probe);
                    }
                    entry.Spec = backend;
                }
            }
            foreach (var gone in _entries.Keys.Where(k => !wanted.Contains(k)).ToList())
            {
                _entries.Remove(gone);
            }
            _vips = spec.Vips;
            _synced = true;
        }
    }

    /// <summary>What to probe: the backends with an active check that are not disabled, with their check.</summary>
    public IReadOnlyList<(BackendRef Backend, ProbeSpec Probe)> Targets()
    {
        lock (_lock)
        {
            return [.. _entries.Where(e => e.Value.Spec.Probe.IsActive && !e.Value.Spec.Disabled).Select(e => (e.Key, e.Value.Spec.Probe))];
        }
    }

    /// <summary>
    /// Counts a probe of <paramref name="backend"/> made with <paramref name="probe"/> (a result of a
    /// check since replaced, or of a backend since gone, is dropped). True when it changed the
    /// backend's health.
    /// </summary>
    public bool Record(BackendRef backend, ProbeSpec probe, ProbeResult result, TimeSpan now)
    {
        lock (_lock)
        {
            return _entries.TryGetValue(backend, out var entry) && entry.Health.Probe.Equals(probe) && entry.Health.Record(result, now);
        }
    }

    /// <summary>
    /// Adds the data plane's cumulative passive-signal totals of <paramref name="backend"/> read at
    /// <paramref name="now"/>; when they break its VIP's <see cref="PassiveRule"/> while it is healthy
    /// and actively checked (the check is what brings it back), ejects it. Returns the reason of the
    /// ejection, or null.
    /// </summary>
    public string? ObservePassive(BackendRef backend, long events, long newFlows, TimeSpan now)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(backend, out var entry) || Vip(backend.Vip) is not { } vip)
            {
                return null;
            }
            var rule = vip.Health.Passive;
            var (inWindow, placed) = entry.Passive.Observe(now, events, newFlows, rule.Window);
            if (!entry.Health.Healthy || !entry.Spec.Probe.IsActive || !rule.Ejects(inWindow, placed))
            {
                return null;
            }
            var why = $"passive: {inWindow} SYN retransmits or fresh client RSTs against {placed} new flows in {rule.Window.TotalSeconds:0.#}s";
            entry.Health.Eject(why, now);
            entry.Passive.Reset();
            return why;
        }
    }

    /// <summary>
    /// Applies the rails to every VIP at <paramref name="now"/> and remembers the outcome: a backend
    /// that enters service healthy starts its slow start, one that leaves it starts its drain.
    /// </summary>
    public IReadOnlyList<VipReport> Evaluate(TimeSpan now)
    {
        lock (_lock)
        {
            var reports = new List<VipReport>(_vips.Count);
            foreach (var vip in _vips)
            {
                var entries = vip.Backends.Select(b => (Ref: new BackendRef(vip.Key, b.Address), Entry: _entries[new BackendRef(vip.Key, b.Address)])).ToList();
                var pool = PoolRails.Decide([.. entries.Select(e => e.Entry.Member(now, vip.Health))], vip.Health, now);
                var entering = entries.Where(e => !e.Entry.Serving && pool.Backends[e.Ref.Address].TakesNewFlows && e.Entry.Health.Healthy).ToList();
                if (entering.Count > 0 && vip.Health.SlowStart > TimeSpan.Zero)
                {
                    foreach (var (_, entry) in entering)
                    {
                        entry.RampStart = now;
                    }
                    pool = PoolRails.Decide([.. entries.Select(e => e.Entry.Member(now, vip.Health))], vip.Health, now);
                }
                var backends = new List<BackendReport>(entries.Count);
                foreach (var (reference, entry) in entries)
                {
                    var verdict = pool.Backends[reference.Address];
                    entry.Remember(verdict, now);
                    backends.Add(new BackendReport(reference, verdict, entry.Health.Last, entry.Health.Consecutive, entry.StateSince(verdict)));
                }
                reports.Add(new VipReport(vip.Key, vip.Backends.Select(b => b.Probe.Kind).FirstOrDefault(k => k != ProbeKind.None), pool, backends));
            }
            return reports;
        }
    }

    /// <summary>Percent of its weight each backend takes new flows at (see <see cref="BackendVerdict.WeightPercent"/>), by <see cref="Evaluate"/> at <paramref name="now"/>.</summary>
    public IReadOnlyDictionary<BackendRef, int> Weights(TimeSpan now)
        => Evaluate(now).SelectMany(v => v.Backends).ToDictionary(b => b.Backend, b => b.Verdict.WeightPercent);

    /// <summary>When a slow start next steps (the weights change with no event), or null when none ramps.</summary>
    public TimeSpan? NextRampStep(TimeSpan now)
    {
        lock (_lock)
        {
            TimeSpan? next = null;
            foreach (var vip in _vips)
            {
                foreach (var backend in vip.Backends)
                {
                    if (_entries[new BackendRef(vip.Key, backend.Address)].RampStart is { } start
                        && SlowStart.NextStep(now - start, vip.Health.SlowStart) is { } step
                        && (next is null || start + step < next))
                    {
                        next = start + step;
                    }
                }
            }
            return next;
        }
    }

    /// <summary>
    /// The backends out of service whose flows are now to be removed: disabled ones at once, drained
    /// and ejected ones when their VIP's drain timeout has passed, drained ones also as soon as
    /// <paramref name="activeFlows"/> says none is left. Each is named until <see cref="Purged"/>
    /// says its flows are gone, once per time out of service.
    /// </summary>
    public IReadOnlyList<BackendRef> DueForPurge(TimeSpan now, Func<BackendRef, long> activeFlows)
    {
        lock (_lock)
        {
            var due = new List<BackendRef>();
            foreach (var vip in _vips)
            {
                foreach (var backend in vip.Backends)
                {
                    var reference = new BackendRef(vip.Key, backend.Address);
                    var entry = _entries[reference];
                    if (entry.Serving || entry.Purged || entry.OutSince is not { } since)
                    {
                        continue;
                    }
                    // a healthy backend of weight 0 is merely out of new flows: its flows go on
                    var draining = backend.Drained || !entry.Health.Healthy;
                    if (backend.Disabled || (draining && now - since >= vip.Health.DrainTimeout) || (backend.Drained && activeFlows(reference) == 0))
                    {
                        due.Add(reference);
                    }
                }
            }
            return due;
        }
    }

    /// <summary>
    /// Records that the flows of <paramref name="backends"/>, named by <see cref="DueForPurge"/> at
    /// <paramref name="dueAt"/>, were removed: a drained one reads drained from now on, not before,
    /// so no reader sees a drained backend that still has flows. One that has gone back into service
    /// since, or out of it again, is left for its new time out.
    /// </summary>
    public void Purged(IEnumerable<BackendRef> backends, TimeSpan dueAt)
    {
        lock (_lock)
        {
            foreach (var backend in backends)
            {
                if (_entries.TryGetValue(backend, out var entry) && entry.OutSince is { } since && since <= dueAt)
                {
                    entry.Purged = true;
                }
            }
        }
    }

    private VipSpec? Vip(VipKey key) => _vips.FirstOrDefault(v => v.Key == key);

    private sealed class Entry(BackendSpec spec, BackendHealth health, bool serving, TimeSpan now)
    {
        public BackendSpec Spec { get; set; } = spec;

        public BackendHealth Health { get; set; } = health;

        public PassiveWindow Passive { get; } = new();

        // what the rails decided last: in service, and since when out of it
        public bool Serving { get; private set; } = serving;

        public TimeSpan? OutSince { get; private set; } = serving ? null : now;

        public TimeSpan? RampStart { get; set; }

        public bool Purged { get; set; }

        public PoolMember Member(TimeSpan now, HealthPolicy policy) => new(
            Spec.Address, Spec.Weight, Spec.Drained, Spec.Disabled, Health.Healthy, Health.Since, Health.Cause,
            RampStart is { } start && now - start < policy.SlowStart ? start : null, Spec.Drained && Purged);

        public void Remember(BackendVerdict verdict, TimeSpan now)
        {
            if (Serving && !verdict.TakesNewFlows)
            {
                OutSince = now;
                Purged = false;
                RampStart = null;
            }
            else if (!Serving && verdict.TakesNewFlows)
            {
                OutSince = null;
                Purged = false;
            }
            if (verdict.State != BackendState.SlowStart)
            {
                RampStart = null;
            }
            Serving = verdict.TakesNewFlows;
        }

        public TimeSpan StateSince(BackendVerdict verdict) => verdict.State switch
        {
            BackendState.Draining or BackendState.Drained or BackendState.Disabled => OutSince ?? Health.Since,
            BackendState.SlowStart => RampStart ?? Health.Since,
            _ => Health.Since,
        };
    }
}
