using System.Net;
using LoadBalancer.Bpf.Abi;
using LoadBalancer.Bpf.Maps;
using LoadBalancer.Bpf.Objects;
using LoadBalancer.Bpf.Programs;
using LoadBalancer.ControlPlane.Dataplane;
using LoadBalancer.Core.Model;
using LoadBalancer.Testing;
using Xunit;

namespace LoadBalancer.Datapath.Tests;

/// <summary>
/// The lifecycle after load: maps and program pinned on bpffs outlive the handles that made them,
/// an XDP link attaches, a pinned link keeps the program attached without any open handle, and
/// Detach removes it.
/// </summary>
public sealed class PinningTests : IDisposable
{
    private readonly string _pins = $"/sys/fs/bpf/{TestEnvironment.RunPrefix}-pins";
    private readonly BalancerWorld _world;

    public PinningTests()
    {
        _world = new BalancerWorld(StandardConfig.Create(), "pins");
        try
        {
            _world.Namespace.Exec("ip", "link", "add", "pin-a", "type", "veth", "peer", "name", "pin-b");
            _world.Namespace.Exec("ip", "link", "set", "pin-a", "up");
            _world.Namespace.Exec("ip", "link", "set", "pin-b", "up");
        }
        catch
        {
            _world.Dispose(); // xUnit does not call Dispose when the constructor throws
            throw;
        }
    }

    public void Dispose()
    {
        try
        {
            if (Directory.Exists(_pins))
            {
                Directory.Delete(_pins, recursive: true);
            }
        }
        finally
        {
            _world.Dispose();
        }
    }

    [Fact]
    public void PinnedMaps_AreTheLiveMaps_ReopenedByPath()
    {
        _world.Balancer.Pin(_pins);

        Assert.Equal(
            ["config", "lb_flow_index", "lb_flows", "lb_nexthops", "lb_real_flows", "lb_real_stats", "lb_reals", "lb_reason_stats", "lb_rings", "lb_rr_cursors", "lb_schedules", "lb_tx_ports", "lb_vip_filter", "lb_vip_stats", "lb_vips", "lb_xdp_ingress"],
            Directory.GetFileSystemEntries(_pins).Select(Path.GetFileName).Order());
        using var vips = new BpfMap<LbVipKey, LbVip>(BpfMap.OpenPinned(Path.Combine(_pins, "lb_vips")));
        Assert.Equal(_world.Balancer.Vips.Map.Id, vips.Map.Id);
        Assert.True(vips.TryLookup(StandardConfig.Tcp4.ToAbi(), out var vip));
        Assert.Equal(_world.Synchronizer.Applied!.Vips[StandardConfig.Tcp4], vip.Id);
        var config = StandardConfig.Create();
        Assert.Equal(config.Vips.Count + config.Vips.Select(v => v.Address).Distinct().Count(), vips.Keys().Count); // VIPs + address markers
    }

    [Fact]
    public void OpenPinned_ReturnsTheSameProgramMapsAndConfig()
    {
        _world.Balancer.Pin(_pins);

        using var reopened = BalancerObject.OpenPinned(_pins);

        Assert.Equal(_world.Balancer.Program.Id, reopened.Program.Id);
        Assert.Equal(_world.Balancer.FlowIndex.Map.Id, reopened.FlowIndex.Map.Id);
        Assert.Equal(_world.Balancer.FlowSlots.Map.Id, reopened.FlowSlots.Map.Id);
        Assert.Equal(_world.Balancer.Config.RingSize, reopened.Config.RingSize);
        Assert.Equal(_world.Balancer.Config.TcpIdleNs, reopened.Config.TcpIdleNs);
        Assert.Equal(_world.Synchronizer.Applied!.Vips.Count, reopened.Rings.Map.MaxEntries > 0 ? Enumerable.Range(0, (int)reopened.Rings.Map.MaxEntries).Count(i => reopened.Rings.InnerId((uint)i) is not null) : 0);
    }

    [Fact]
    public void PinnedLink_KeepsTheProgramAttached_UntilDetached()
    {
        var linkPath = Path.Combine(_pins, "link");
        Directory.CreateDirectory(_pins);
        _world.InNamespace(() =>
        {
            using var link = XdpLink.Attach(_world.Balancer.Program, NetDevice.IndexOf("pin-a"));
            link.Pin(linkPath);
            return 0;
        });
        Assert.Contains($"name {BalancerObject.ProgramName}", _world.Namespace.Exec("ip", "-d", "link", "show", "pin-a"));

        using (var reopened = XdpLink.OpenPinned(linkPath, BalancerObject.ProgramName))
        {
            Assert.True(reopened.IsAttached);
            Assert.Equal(_world.Balancer.Program.Id, reopened.ProgramId);
            reopened.Detach();
            Assert.False(reopened.IsAttached);
        }

        Assert.DoesNotContain("prog/xdp", _world.Namespace.Exec("ip", "-d", "link", "show", "pin-a"));
    }
}
