using LoadBalancer.Core.Health;
using LoadBalancer.Core.Planning;
using Prometheus;

namespace LoadBalancer.ControlPlane.Metrics;

/// <summary>
/// The health checker's metrics: each backend's state and whether it takes new flows, transitions,
/// probe latency and outcomes, and fail-open per VIP. Updated by the health service as it goes
/// (not on scrape): probes and evaluations happen anyway. A backend or VIP that goes away takes its
/// series with it.
/// </summary>
public sealed class HealthMetrics
{
    private readonly Gauge _up, _state, _failOpen, _healthy;
    private readonly Counter _transitions, _probes;
    private readonly Histogram _latency;
    private HashSet<BackendRef> _backendSeries = [];
    private HashSet<string> _vipSeries = [];

    /// <summary>Registers the metrics in <paramref name="registry"/>.</summary>
    public HealthMetrics(CollectorRegistry registry)
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        _up = factory.CreateGauge("lb_backend_up", "1 while the backend takes new flows (healthy, ramping, or kept in service by max_ejection_percent or fail-open), else 0.", "vip", "backend");
        _state = factory.CreateGauge("lb_backend_health_state", "1 for the backend's current state (healthy, slow-start, unhealthy, draining, drained, disabled), 0 for the others.", "vip", "backend", "state");
        _transitions = factory.CreateCounter("lb_backend_health_transitions_total", "Changes of a backend's state, by the state entered.", "vip", "backend", "to");
        _failOpen = factory.CreateGauge("lb_vip_fail_open", "1 while too few of the VIP's backends are healthy (below panic_threshold) and every one takes new flows.", "vip");
        _healthy = factory.CreateGauge("lb_vip_healthy_backends", "Backends of the VIP's pool that pass their checks.", "vip");
        _probes = factory.CreateCounter("lb_health_probes_total", "Health probes run, by result (pass or fail).", "vip", "backend", "result");
        _latency = factory.CreateHistogram("lb_health_probe_duration_seconds", "Time a health probe took, to its answer or its timeout.",
            new HistogramConfiguration { LabelNames = ["vip", "backend"], Buckets = Histogram.ExponentialBuckets(0.0005, 2, 14) });
    }

    /// <summary>Counts a probe of <paramref name="backend"/>.</summary>
    public void Probed(BackendRef backend, ProbeResult result)
    {
        var (vip, address) = Labels(backend);
        _probes.WithLabels(vip, address, result.Passed ? "pass" : "fail").Inc();
        _latency.WithLabels(vip, address).Observe(result.Latency.TotalSeconds);
    }

    /// <summary>Counts <paramref name="backend"/> entering <paramref name="state"/>.</summary>
    public void Transition(BackendRef backend, BackendState state)
    {
        var (vip, address) = Labels(backend);
        _transitions.WithLabels(vip, address, BackendStates.Name(state)).Inc();
    }

    /// <summary>Sets the gauges from an evaluation, and drops the series of what is gone.</summary>
    public void Update(IReadOnlyList<VipReport> reports)
    {
        var backendSeries = new HashSet<BackendRef>();
        var vipSeries = new HashSet<string>();
        foreach (var vip in reports)
        {
            var key = vip.Vip.ToString();
            vipSeries.Add(key);
            _failOpen.WithLabels(key).Set(vip.Pool.FailOpen ? 1 : 0);
            _healthy.WithLabels(key).Set(vip.Pool.Healthy);
            foreach (var b in vip.Backends)
            {
                backendSeries.Add(b.Backend);
                var (_, address) = Labels(b.Backend);
                _up.WithLabels(key, address).Set(b.Verdict.TakesNewFlows ? 1 : 0);
                foreach (var state in BackendStates.All)
                {
                    _state.WithLabels(key, address, BackendStates.Name(state)).Set(state == b.Verdict.State ? 1 : 0);
                }
            }
        }
        foreach (var gone in _backendSeries.Where(b => !backendSeries.Contains(b)))
        {
            var (vip, address) = Labels(gone);
            _up.RemoveLabelled(vip, address);
            foreach (var state in BackendStates.All)
            {
                _state.RemoveLabelled(vip, address, BackendStates.Name(state));
            }
            _latency.RemoveLabelled(vip, address);
            _probes.RemoveLabelled(vip, address, "pass");
            _probes.RemoveLabelled(vip, address, "fail");
        }
        foreach (var gone in _vipSeries.Where(v => !vipSeries.Contains(v)))
        {
            _failOpen.RemoveLabelled(gone);
            _healthy.RemoveLabelled(gone);
        }
        (_backendSeries, _vipSeries) = (backendSeries, vipSeries);
    }

    private static (string Vip, string Backend) Labels(BackendRef backend) => (backend.Vip.ToString(), backend.Address.ToString());
}
