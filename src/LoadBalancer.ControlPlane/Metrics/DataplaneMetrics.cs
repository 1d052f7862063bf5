using LoadBalancer.ControlPlane.Dataplane;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace LoadBalancer.ControlPlane.Metrics;

/// <summary>
/// The data plane's counters as Prometheus metrics, read from the per-CPU maps when Prometheus
/// scrapes (a before-collect callback), never polled. A VIP or backend that goes away takes its
/// series with it. The callback logs its own failures, since prometheus-net would swallow them.
/// </summary>
public sealed partial class DataplaneMetrics
{
    private readonly Reconciler _reconciler;
    private readonly TimeProvider _time;
    private readonly ILogger<DataplaneMetrics> _log;
    private readonly Counter _vipPackets, _vipBytes, _vipNewFlows, _vipFlowEvictions, _backendPackets, _backendBytes, _backendNewFlows, _backendSynRetransmits, _backendFreshRsts, _dropped, _passed;
    private readonly Gauge _backendActiveFlows, _flowEntries, _flowCapacity, _generation, _attached, _lastChangeFailed, _vips, _backends;
    private HashSet<string> _vipSeries = [];
    private HashSet<(string, string)> _backendSeries = [];

    /// <summary>Registers the metrics in <paramref name="registry"/> and reads them from <paramref name="reconciler"/>'s data plane on every scrape.</summary>
    public DataplaneMetrics(Reconciler reconciler, TimeProvider time, ILogger<DataplaneMetrics> log, CollectorRegistry registry)
    {
        _reconciler = reconciler;
        _time = time;
        _log = log;
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        _vipPackets = factory.CreateCounter("lb_vip_packets_total", "Packets forwarded for a VIP.", "vip");
        _vipBytes = factory.CreateCounter("lb_vip_bytes_total", "Bytes (as received, L2 included) forwarded for a VIP.", "vip");
        _vipNewFlows = factory.CreateCounter("lb_vip_new_flows_total", "Flow-table entries created for a VIP.", "vip");
        _vipFlowEvictions = factory.CreateCounter("lb_vip_flow_evictions_total", "New flows of a VIP whose flow-table entry displaced that of another live, unclosed flow (a full bucket): the table is short of slots.", "vip");
        _backendPackets = factory.CreateCounter("lb_backend_packets_total", "Packets forwarded to a backend of a VIP.", "vip", "backend");
        _backendBytes = factory.CreateCounter("lb_backend_bytes_total", "Bytes forwarded to a backend of a VIP.", "vip", "backend");
        _backendNewFlows = factory.CreateCounter("lb_backend_new_flows_total", "Flows placed on a backend of a VIP.", "vip", "backend");
        _backendSynRetransmits = factory.CreateCounter("lb_backend_syn_retransmits_total", "Passive health signal: SYNs a client repeated on a handshake placed on the backend and not yet answered.", "vip", "backend");
        _backendFreshRsts = factory.CreateCounter("lb_backend_fresh_rsts_total", "Passive health signal: RSTs from clients abandoning a handshake placed on the backend.", "vip", "backend");
        _backendActiveFlows = factory.CreateGauge("lb_backend_active_flows", "Flows placed on a backend and not closed by the client (what lc and wlc compare); recounted from the flow table every few seconds.", "vip", "backend");
        _dropped = factory.CreateCounter("lb_dropped_packets_total", "Packets the data plane dropped, by reason.", "reason");
        _passed = factory.CreateCounter("lb_passed_packets_total", "Packets the data plane passed to the kernel, by reason.", "reason");
        _flowEntries = factory.CreateGauge("lb_flow_table_entries", "Entries in the flow table.");
        _flowCapacity = factory.CreateGauge("lb_flow_table_capacity", "Size of the flow table.");
        _generation = factory.CreateGauge("lb_config_generation", "Generation of the configuration in force; increments with every applied change.");
        _lastChangeFailed = factory.CreateGauge("lb_config_last_change_failed", "1 when the last change or reload was refused or failed, else 0.");
        _attached = factory.CreateGauge("lb_dataplane_attached", "1 while the XDP program is attached to the interface.", "interface");
        _vips = factory.CreateGauge("lb_vips", "VIPs in force.");
        _backends = factory.CreateGauge("lb_backends", "Backends in force, counted per VIP.");
        registry.AddBeforeCollectCallback(Collect);
    }

    private void Collect()
    {
        try
        {
            if (_reconciler.Current is not { } state)
            {
                return;
            }
            var stats = StatsReader.Read(_reconciler.Host.Balancer, state, _time.GetUtcNow());
            var vipSeries = new HashSet<string>();
            var backendSeries = new HashSet<(string, string)>();
            foreach (var vip in stats.Vips)
            {
                vipSeries.Add(vip.Vip);
                _vipPackets.WithLabels(vip.Vip).IncTo(vip.Traffic.Packets);
                _vipBytes.WithLabels(vip.Vip).IncTo(vip.Traffic.Bytes);
                _vipNewFlows.WithLabels(vip.Vip).IncTo(vip.Traffic.NewFlows);
                _vipFlowEvictions.WithLabels(vip.Vip).IncTo(vip.FlowEvictions);
                foreach (var backend in vip.Backends)
                {
                    backendSeries.Add((vip.Vip, backend.Address));
                    _backendPackets.WithLabels(vip.Vip, backend.Address).IncTo(backend.Traffic.Packets);
                    _backendBytes.WithLabels(vip.Vip, backend.Address).IncTo(backend.Traffic.Bytes);
                    _backendNewFlows.WithLabels(vip.Vip, backend.Address).IncTo(backend.Traffic.NewFlows);
                    _backendSynRetransmits.WithLabels(vip.Vip, backend.Address).IncTo(backend.SynRetransmits);
                    _backendFreshRsts.WithLabels(vip.Vip, backend.Address).IncTo(backend.FreshRsts);
                    _backendActiveFlows.WithLabels(vip.Vip, backend.Address).Set(backend.ActiveFlows);
                }
            }
            foreach (var gone in _vipSeries.Except(vipSeries))
            {
                _vipPackets.RemoveLabelled(gone);
                _vipBytes.RemoveLabelled(gone);
                _vipNewFlows.RemoveLabelled(gone);
                _vipFlowEvictions.RemoveLabelled(gone);
            }
            foreach (var (vip, backend) in _backendSeries.Except(backendSeries))
            {
                _backendPackets.RemoveLabelled(vip, backend);
                _backendBytes.RemoveLabelled(vip, backend);
                _backendNewFlows.RemoveLabelled(vip, backend);
                _backendSynRetransmits.RemoveLabelled(vip, backend);
                _backendFreshRsts.RemoveLabelled(vip, backend);
                _backendActiveFlows.RemoveLabelled(vip, backend);
            }
            (_vipSeries, _backendSeries) = (vipSeries, backendSeries);
            foreach (var reason in stats.Reasons)
            {
                (reason.Action == "drop" ? _dropped : _passed).WithLabels(reason.Reason).IncTo(reason.Packets);
            }
            _flowEntries.Set(stats.FlowTableEntries);
            _flowCapacity.Set(stats.FlowTableCapacity);
            _generation.Set(state.Generation);
            _lastChangeFailed.Set(_reconciler.LastError is null ? 0 : 1);
            _attached.WithLabels(_reconciler.Host.Interface).Set(_reconciler.Host.Link.IsAttached ? 1 : 0);
            _vips.Set(state.Spec.Vips.Count);
            _backends.Set(state.Spec.Vips.Sum(v => v.Backends.Count));
        }
        catch (Exception e)
        {
            LogCollectFailed(e);
        }
    }

    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "reading the data plane's counters for a scrape failed")]
    private partial void LogCollectFailed(Exception exception);
}
