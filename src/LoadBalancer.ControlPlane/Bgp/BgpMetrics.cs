using Prometheus;

namespace LoadBalancer.ControlPlane.Bgp;

/// <summary>
/// The BGP speaker's metrics: whether each session is up, which VIPs are announced, and how many
/// announcements and withdrawals were sent. Updated by whoever polls the peers and runs the syncs
/// (not on scrape: peer status is an API call). A peer that is gone, or a VIP that is withdrawn,
/// takes its series with it, so <c>lb_bgp_announced</c> lists exactly the announced VIPs, each at 1.
/// </summary>
public sealed class BgpMetrics
{
    private readonly Gauge _sessionUp, _announced;
    private readonly Counter _updates;
    private readonly Lock _lock = new();
    private HashSet<string> _peerSeries = [];

    /// <summary>Registers the metrics in <paramref name="registry"/>.</summary>
    public BgpMetrics(CollectorRegistry registry)
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        _sessionUp = factory.CreateGauge("lb_bgp_session_up", "1 while the BGP session with the peer is established, else 0.", "peer");
        _announced = factory.CreateGauge("lb_bgp_announced", "1 for each VIP this node announces over BGP; a withdrawn VIP has no series.", "vip");
        _updates = factory.CreateCounter("lb_bgp_updates_total", "VIP host routes announced or withdrawn through the speaker, by action.", "action");
        _updates.WithLabels("announce");
        _updates.WithLabels("withdraw");
    }

    /// <summary>Sets <c>lb_bgp_session_up</c> from <paramref name="peers"/> and drops the series of peers no longer listed.</summary>
    public void Sessions(IReadOnlyList<BgpPeerStatus> peers)
    {
        lock (_lock)
        {
            var series = new HashSet<string>();
            foreach (var peer in peers)
            {
                var key = peer.Address.ToString();
                series.Add(key);
                _sessionUp.WithLabels(key).Set(peer.IsEstablished ? 1 : 0);
            }
            foreach (var gone in _peerSeries.Where(p => !series.Contains(p)))
            {
                _sessionUp.RemoveLabelled(gone);
            }
            _peerSeries = series;
        }
    }

    /// <summary>Applies what a sync changed (from its result, or from <see cref="BgpSyncException.Done"/> when it failed).</summary>
    public void Synced(BgpSyncResult result)
    {
        lock (_lock)
        {
            foreach (var vip in result.Withdrawn)
            {
                _announced.RemoveLabelled(vip.ToString());
            }
            foreach (var vip in result.Announced)
            {
                _announced.WithLabels(vip.ToString()).Set(1);
            }
            _updates.WithLabels("announce").Inc(result.Announced.Count);
            _updates.WithLabels("withdraw").Inc(result.Withdrawn.Count);
        }
    }
}
