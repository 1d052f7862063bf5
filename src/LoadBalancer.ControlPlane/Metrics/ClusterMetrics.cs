using LoadBalancer.ControlPlane.Cluster;
using LoadBalancer.ControlPlane.Store;
using Prometheus;

namespace LoadBalancer.ControlPlane.Metrics;

/// <summary>
/// The node's place in a cluster, read on every scrape: whether the desired-state store is stale
/// and its revision, and whether the node is drained. BGP sessions and announcements are
/// <see cref="Bgp.BgpMetrics"/>.
/// </summary>
public sealed class ClusterMetrics
{
    private readonly IDesiredStateStore _store;
    private readonly NodeDrain _drain;
    private readonly Gauge _stale, _revision, _drained;

    /// <summary>Registers the metrics in <paramref name="registry"/>.</summary>
    public ClusterMetrics(IDesiredStateStore store, NodeDrain drain, CollectorRegistry registry)
    {
        _store = store;
        _drain = drain;
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        _stale = factory.CreateGauge("lb_store_stale", "1 while the shared store (etcd) cannot be reached and the node runs on the last state it read.", "kind");
        _revision = factory.CreateGauge("lb_store_revision", "The shared store's revision of the state in force (0 for files).", "kind");
        _drained = factory.CreateGauge("lb_node_drained", "1 while the node is drained (lbctl node drain): its VIPs are withdrawn from BGP.");
        registry.AddBeforeCollectCallback(Collect);
    }

    private void Collect()
    {
        var status = _store.Status;
        _stale.WithLabels(status.Kind).Set(status.Stale ? 1 : 0);
        _revision.WithLabels(status.Kind).Set(status.Revision);
        _drained.Set(_drain.Drained ? 1 : 0);
    }
}
