using System.Net;
using LoadBalancer.Testing;

namespace LoadBalancer.E2E.Tests;

/// <summary>
/// scripts/topo.sh's veth topology under this run's prefix: client, load balancer, backends on one
/// bridged segment, decap on each backend, real HTTP and UDP servers. Removed on dispose, with
/// every process and XDP attachment in it.
/// </summary>
public sealed class Topology : IDisposable
{
    public static readonly IPAddress Vip4 = IPAddress.Parse("10.210.100.1");
    public static readonly IPAddress Vip6 = IPAddress.Parse("fd00:210:100::1");
    public static readonly IPAddress Client4 = IPAddress.Parse("10.210.0.100");
    public static readonly IPAddress Client6 = IPAddress.Parse("fd00:210::100");
    public const int HttpPort = 80;
    public const int UdpPort = 5353;

    private static int s_count;

    public Topology(int backends)
    {
        TestEnvironment.RequireRootAndBpffs();
        Prefix = $"{TestEnvironment.RunPrefix}-e{Interlocked.Increment(ref s_count)}";
        Backends = backends;
        s_script.Up(Prefix, backends.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public string Prefix { get; }

    public int Backends { get; }

    /// <summary>The namespace path of node <paramref name="node"/> (cl, lb, sw, be1...).</summary>
    public string NamespacePath(string node) => $"/run/netns/{Prefix}-{node}";

    public static IPAddress Backend4(int i) => IPAddress.Parse($"10.210.0.1{i}");

    public static IPAddress Backend6(int i) => IPAddress.Parse($"fd00:210::1{i}");

    /// <summary>Runs a command in node <paramref name="node"/>'s namespace.</summary>
    public string Exec(string node, params string[] command) => s_script.Run(["exec", Prefix, node, .. command]);

    public void Dispose() => s_script.Run("down", Prefix);

    private static readonly TopologyScript s_script = new("topo.sh");
}
