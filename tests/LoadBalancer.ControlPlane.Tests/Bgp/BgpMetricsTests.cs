using System.Net;
using System.Text;
using LoadBalancer.ControlPlane.Bgp;
using Prometheus;
using Xunit;

namespace LoadBalancer.ControlPlane.Tests.Bgp;

public sealed class BgpMetricsTests
{
    private static readonly IPAddress s_peer1 = IPAddress.Parse("10.201.0.1");
    private static readonly IPAddress s_peer2 = IPAddress.Parse("fd00:201::1");
    private static readonly IPAddress s_vip1 = IPAddress.Parse("10.200.0.1");
    private static readonly IPAddress s_vip2 = IPAddress.Parse("10.200.0.2");

    [Fact]
    public async Task New_UpdateCounters_ExportedAtZero()
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        _ = new BgpMetrics(registry);

        var text = await ExportAsync(registry);

        Assert.Contains("lb_bgp_updates_total{action=\"announce\"} 0", text);
        Assert.Contains("lb_bgp_updates_total{action=\"withdraw\"} 0", text);
    }

    [Fact]
    public async Task Sessions_StatesAndGonePeer_UpOneDownZeroGoneRemoved()
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var metrics = new BgpMetrics(registry);
        metrics.Sessions([Peer(s_peer1, "established"), Peer(s_peer2, "active")]);
        var both = await ExportAsync(registry);

        metrics.Sessions([Peer(s_peer2, "established")]);
        var one = await ExportAsync(registry);

        Assert.Contains("lb_bgp_session_up{peer=\"10.201.0.1\"} 1", both);
        Assert.Contains("lb_bgp_session_up{peer=\"fd00:201::1\"} 0", both);
        Assert.DoesNotContain("peer=\"10.201.0.1\"", one);
        Assert.Contains("lb_bgp_session_up{peer=\"fd00:201::1\"} 1", one);
    }

    [Fact]
    public async Task Synced_AnnounceThenWithdraw_SeriesFollowsAndCountersAdd()
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var metrics = new BgpMetrics(registry);
        metrics.Synced(new BgpSyncResult([s_vip1, s_vip2], []));
        var announced = await ExportAsync(registry);

        metrics.Synced(new BgpSyncResult([], [s_vip1]));
        var after = await ExportAsync(registry);

        Assert.Contains("lb_bgp_announced{vip=\"10.200.0.1\"} 1", announced);
        Assert.Contains("lb_bgp_announced{vip=\"10.200.0.2\"} 1", announced);
        Assert.DoesNotContain("vip=\"10.200.0.1\"", after);
        Assert.Contains("lb_bgp_announced{vip=\"10.200.0.2\"} 1", after);
        Assert.Contains("lb_bgp_updates_total{action=\"announce\"} 2", after);
        Assert.Contains("lb_bgp_updates_total{action=\"withdraw\"} 1", after);
    }

    private static BgpPeerStatus Peer(IPAddress address, string state)
        => new(address, 65000, state, state == BgpPeerStatus.Established ? DateTimeOffset.UnixEpoch : null, 0, 0);

    private static async Task<string> ExportAsync(CollectorRegistry registry)
    {
        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
