using LoadBalancer.Bpf.Abi;
using LoadBalancer.Bpf.Maps;
using LoadBalancer.Bpf.Objects;
using LoadBalancer.Bpf.Programs;
using LoadBalancer.Core.Model;

namespace LoadBalancer.ControlPlane.Dataplane;

/// <summary>
/// The balancer's program, maps and XDP link, pinned under one bpffs directory so that they keep
/// forwarding while no daemon runs: <see cref="Start"/> takes over what an earlier run pinned
/// (flows, counters and all) or loads and pins a fresh data plane; disposing it closes this
/// process's handles and leaves the pins attached; <see cref="Remove"/> detaches and unpins.
/// </summary>
public sealed class DataplaneHost : IDisposable
{
    private const string LinkFile = "link";

    private DataplaneHost(BalancerObject balancer, XdpLink link, string pinDirectory, bool reused, string interfaceName)
    {
        Balancer = balancer;
        Link = link;
        PinDirectory = pinDirectory;
        Reused = reused;
        Interface = interfaceName;
    }

    /// <summary>The device it is attached to.</summary>
    public string Interface { get; }

    /// <summary>The loaded balancer.</summary>
    public BalancerObject Balancer { get; }

    /// <summary>The XDP link attaching it.</summary>
    public XdpLink Link { get; }

    /// <summary>Where it is pinned.</summary>
    public string PinDirectory { get; }

    /// <summary>Whether this run took over a data plane pinned by an earlier one.</summary>
    public bool Reused { get; }

    /// <summary>
    /// Opens the data plane pinned under <paramref name="pinDirectory"/>, or loads and pins one for
    /// <paramref name="node"/>, and attaches it to node.interface (resolved in the calling thread's
    /// network namespace). On failure nothing this call created is left pinned or attached.
    /// </summary>
    /// <exception cref="InvalidOperationException">The interface does not exist, or the pinned data plane
    /// was loaded with other load-time settings (they are listed).</exception>
    public static DataplaneHost Start(NodeSpec node, string pinDirectory)
    {
        var ifindex = InterfaceIndex(node.Interface);
        var reused = File.Exists(Path.Combine(pinDirectory, BalancerObject.ProgramName));
        var balancer = reused ? BalancerObject.OpenPinned(pinDirectory) : LoadConfigFactory.Load(node);
        try
        {
            if (!reused)
            {
                balancer.Pin(pinDirectory);
            }
            else if (Differences(balancer, node) is { Count: > 0 } differences)
            {
                throw new InvalidOperationException(
                    $"the data plane pinned at {pinDirectory} was loaded with other settings: {string.Join("; ", differences)}. " +
                    "They are fixed at load time: restore them, or run `lbd detach` (drops every flow) and start again");
            }
            var link = Attach(balancer, ifindex, node.Interface, pinDirectory);
            return new DataplaneHost(balancer, link, pinDirectory, reused, node.Interface);
        }
        catch
        {
            balancer.Dispose();
            if (!reused)
            {
                Remove(pinDirectory);
            }
            throw;
        }
    }

    /// <summary>The load-time settings of <paramref name="node"/> that differ from this data plane's (empty if none).</summary>
    public IReadOnlyList<string> Differences(NodeSpec node)
    {
        var differences = Differences(Balancer, node);
        if (node.Interface != Interface)
        {
            differences.Insert(0, $"interface (running {Interface}, configured {node.Interface})");
        }
        return differences;
    }

    /// <summary>Detaches the data plane pinned under <paramref name="pinDirectory"/> and removes the pins; false if there was none.</summary>
    public static bool Remove(string pinDirectory)
    {
        if (!Directory.Exists(pinDirectory))
        {
            return false;
        }
        var linkPath = Path.Combine(pinDirectory, LinkFile);
        if (File.Exists(linkPath))
        {
            using var link = XdpLink.OpenPinned(linkPath, BalancerObject.ProgramName);
            if (link.IsAttached)
            {
                link.Detach();
            }
        }
        Directory.Delete(pinDirectory, recursive: true);
        return true;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Link.Dispose();
        Balancer.Dispose();
    }

    private static int InterfaceIndex(string name)
        => NetDevice.TryIndexOf(name, out var index) ? index : throw new InvalidOperationException($"interface '{name}' does not exist in this network namespace (node.interface)");

    /// <summary>Reuses the pinned link if it holds this program on this device; otherwise attaches and pins a new one.</summary>
    private static XdpLink Attach(BalancerObject balancer, int ifindex, string name, string pinDirectory)
    {
        var linkPath = Path.Combine(pinDirectory, LinkFile);
        if (File.Exists(linkPath))
        {
            var pinned = XdpLink.OpenPinned(linkPath, BalancerObject.ProgramName);
            try
            {
                if (pinned.IsAttached && pinned.Ifindex == ifindex && pinned.ProgramId == balancer.Program.Id)
                {
                    return pinned;
                }
                if (pinned.IsAttached)
                {
                    pinned.Detach();
                }
            }
            catch
            {
                pinned.Dispose();
                throw;
            }
            pinned.Dispose();
            File.Delete(linkPath);
        }
        XdpLink link;
        try
        {
            link = XdpLink.Attach(balancer.Program, ifindex);
        }
        catch (Bpf.BpfException e)
        {
            throw new InvalidOperationException($"cannot attach {BalancerObject.ProgramName} to {name}: {e.Message}", e);
        }
        try
        {
            link.Pin(linkPath);
        }
        catch
        {
            link.Dispose(); // the last fd of an unpinned link: the program is detached again
            throw;
        }
        return link;
    }

    private static List<string> Differences(BalancerObject balancer, NodeSpec node)
    {
        var wanted = LoadConfigFactory.Create(node);
        var sizes = LoadConfigFactory.Sizes(node);
        var running = balancer.Config;
        var differences = new List<string>();
        void Check<T>(string key, T pinned, T configured)
        {
            if (!EqualityComparer<T>.Default.Equals(pinned, configured))
            {
                differences.Add($"{key} (running {pinned}, configured {configured})");
            }
        }
        Check("ring_size", running.RingSize, wanted.RingSize);
        Check("tcp_idle_timeout", TimeSpan.FromTicks((long)running.TcpIdleNs / 100), node.TcpIdleTimeout);
        Check("udp_idle_timeout", TimeSpan.FromTicks((long)running.UdpIdleNs / 100), node.UdpIdleTimeout);
        Check("nexthop_cache_ttl", TimeSpan.FromTicks((long)running.NexthopTtlNs / 100), node.NexthopCacheTtl);
        Check("hash_seed", running.HashSeed, wanted.HashSeed);
        Check("fallback_mtu", running.Mtu, wanted.Mtu);
        // in the configured units, as rounded: the bucket count times the units per bucket
        Check("flow_table_size", balancer.FlowIndex.Length * BalancerMapSizes.FlowUnitsPerBucket, sizes.FlowBuckets * BalancerMapSizes.FlowUnitsPerBucket);
        Check("max_vips", balancer.Rings.Map.MaxEntries, sizes.MaxVips);
        Check("max_backends", balancer.Reals.Map.MaxEntries, sizes.MaxReals);
        if (!BytewiseComparer<LbConfig>.Instance.Equals(
            running with { RingSize = 0, TcpIdleNs = 0, UdpIdleNs = 0, NexthopTtlNs = 0, HashSeed = 0, Mtu = 0, FlowBucketMask = 0 },
            wanted with { RingSize = 0, TcpIdleNs = 0, UdpIdleNs = 0, NexthopTtlNs = 0, HashSeed = 0, Mtu = 0, FlowBucketMask = 0 }))
        {
            differences.Add("outer_source_v4, outer_source_v6 or fallback_mac");
        }
        return differences;
    }
}
