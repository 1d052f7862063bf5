using System.Globalization;
using System.Net;
using LoadBalancer.Testing;

namespace LoadBalancer.E2E.Tests.Cluster;

/// <summary>
/// scripts/cluster_topo.sh's topology under this run's prefix: a client behind a router (BIRD, AS
/// 65000, ECMP over L4 hashes), two LB nodes (lb1, lb2) and the backends on one bridged segment,
/// an etcd node (kv) behind the router; decap and real HTTP and UDP servers on each backend. Nodes:
/// cl, rt, kv, sw, lb1, lb2, be1..beN. Removed on dispose, with every process and XDP attachment in it.
/// </summary>
public sealed class ClusterTopology : IDisposable
{
    public static readonly IPAddress Vip4 = IPAddress.Parse("10.211.100.1");
    public static readonly IPAddress Vip6 = IPAddress.Parse("fd00:211:100::1");
    public static readonly IPAddress Client4 = IPAddress.Parse("10.211.10.2");
    public static readonly IPAddress Client6 = IPAddress.Parse("fd00:211:10::2");

    /// <summary>The router on the segment: the LB nodes' BGP peer and default gateway.</summary>
    public static readonly IPAddress Router4 = IPAddress.Parse("10.211.0.1");

    /// <summary>The router's IPv6 address on the segment.</summary>
    public static readonly IPAddress Router6 = IPAddress.Parse("fd00:211::1");

    /// <summary>The etcd node (kv0).</summary>
    public static readonly IPAddress Kv4 = IPAddress.Parse("10.211.20.2");

    public const int HttpPort = 80;
    public const int UdpPort = 5353;
    public const int BgpPort = 179;
    public const int EtcdClientPort = 2379;
    public const uint RouterAs = 65000;
    public const uint LbAs = 65001;

    /// <summary>The number of LB nodes (lb1, lb2).</summary>
    public const int LbNodes = 2;

    /// <summary>The segment interface of every LB node (and its XDP attach point).</summary>
    public const string LbInterface = "lb0";

    /// <summary>The router's interface toward the client: the ingress of client flows.</summary>
    public const string RouterClientInterface = "rt-cl";

    private static int s_count;

    public ClusterTopology(int backends = 2)
    {
        TestEnvironment.RequireRootAndBpffs();
        ClusterTools.Require("bird", "birdc", "nsenter", "ethtool", "curl");
        if (backends is < 1 or > 9)
        {
            throw new ArgumentOutOfRangeException(nameof(backends), backends, "1..9 backends");
        }
        Prefix = $"{TestEnvironment.RunPrefix}-c{Interlocked.Increment(ref s_count)}";
        Backends = backends;
        s_script.Up(Prefix, backends.ToString(CultureInfo.InvariantCulture));
    }

    public string Prefix { get; }

    public int Backends { get; }

    /// <summary>Where the script keeps this topology's BIRD files; removed by `down`.</summary>
    public string StateDirectory => $"/run/lb-cluster/{Prefix}";

    /// <summary>BIRD's control socket (birdc -s).</summary>
    public string BirdSocket => Path.Combine(StateDirectory, "bird.ctl");

    /// <summary>BIRD's log file (everything, with timestamps).</summary>
    public string BirdLog => Path.Combine(StateDirectory, "bird.log");

    /// <summary>LB node <paramref name="i"/>'s (1 or 2) address on the segment: its BGP source and next hop.</summary>
    public static IPAddress Lb4(int i) => IPAddress.Parse($"10.211.0.{LbIndex(i) + 1}");

    /// <summary>LB node <paramref name="i"/>'s IPv6 address on the segment: the next hop it must announce for IPv6 VIPs.</summary>
    public static IPAddress Lb6(int i) => IPAddress.Parse($"fd00:211::{LbIndex(i) + 1}");

    public static IPAddress Backend4(int i) => IPAddress.Parse($"10.211.0.1{i}");

    public static IPAddress Backend6(int i) => IPAddress.Parse($"fd00:211::1{i}");

    /// <summary>The node name of LB node <paramref name="i"/>: lb1 or lb2.</summary>
    public static string Lb(int i) => $"lb{LbIndex(i)}";

    /// <summary>The name of BIRD's BGP protocol for LB node <paramref name="i"/> (lb1 or lb2).</summary>
    public static string BgpProtocol(int i) => Lb(i);

    /// <summary>The namespace path of node <paramref name="node"/> (cl, rt, kv, sw, lb1, lb2, be1...).</summary>
    public string NamespacePath(string node) => $"/run/netns/{Prefix}-{node}";

    /// <summary>Runs a command in node <paramref name="node"/>'s namespace (nsenter --net); throws with its output if it fails.</summary>
    public string Exec(string node, params string[] command) => Shell.Run("nsenter", [$"--net={NamespacePath(node)}", "--", .. command]);

    /// <summary>Runs a command in node <paramref name="node"/>'s namespace; returns its exit code and combined output.</summary>
    public (int ExitCode, string Output) TryExec(string node, params string[] command)
        => Shell.TryRun("nsenter", [$"--net={NamespacePath(node)}", "--", .. command]);

    /// <summary>The processes in node <paramref name="node"/>'s namespace.</summary>
    public IReadOnlyList<int> Pids(string node)
        => [.. Shell.Run("ip", "netns", "pids", $"{Prefix}-{node}").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => int.Parse(p, CultureInfo.InvariantCulture))];

    /// <summary>
    /// Cuts LB node <paramref name="i"/> off the segment at the switch, as a dead machine looks to the
    /// router: its bridge port stops forwarding both ways (state disabled) while the router's own link
    /// stays up, so only the BGP hold timer can tell. The switch keeps the node's MAC learnt, so frames
    /// for it are dropped, not flooded to the other nodes. <see cref="RestoreLb"/> undoes it.
    /// </summary>
    public void CutLb(int i) => Exec("sw", "bridge", "link", "set", "dev", $"p-lb{LbIndex(i)}", "state", "0");

    /// <summary>Puts LB node <paramref name="i"/>'s bridge port back to forwarding.</summary>
    public void RestoreLb(int i) => Exec("sw", "bridge", "link", "set", "dev", $"p-lb{LbIndex(i)}", "state", "3");

    public void Dispose() => s_script.Run("down", Prefix);

    private static int LbIndex(int i)
        => i is >= 1 and <= LbNodes ? i : throw new ArgumentOutOfRangeException(nameof(i), i, "LB nodes are 1 and 2");

    private static readonly TopologyScript s_script = new("cluster_topo.sh");
}
