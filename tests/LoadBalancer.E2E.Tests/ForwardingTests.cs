using System.Net;
using LoadBalancer.Bpf.Abi;
using LoadBalancer.Core.Config;
using LoadBalancer.Core.Hashing;
using LoadBalancer.Core.Model;
using Xunit;
using Xunit.Abstractions;

namespace LoadBalancer.E2E.Tests;

/// <summary>One topology (client, balancer, four backends) and one balancer for all forwarding tests.</summary>
public sealed class ForwardingFixture() : BalancedTopology(4, ForwardingTests.Config(backends: 3));

/// <summary>
/// Real TCP and UDP from the client namespace through the XDP balancer to real servers on the
/// backends, with replies straight back to the client (DSR).
/// </summary>
public sealed class ForwardingTests(ForwardingFixture fixture, ITestOutputHelper output) : IClassFixture<ForwardingFixture>
{
    private static readonly VipKey s_http4 = new(Topology.Vip4, Topology.HttpPort, L4Protocol.Tcp);
    private static readonly VipKey s_http6 = new(Topology.Vip6, Topology.HttpPort, L4Protocol.Tcp);
    private static readonly VipKey s_udp4 = new(Topology.Vip4, Topology.UdpPort, L4Protocol.Udp);
    private static readonly VipKey s_udp6 = new(Topology.Vip6, Topology.UdpPort, L4Protocol.Udp);

    private Topology Topology => fixture.Topology;

    private BalancerNode Node => fixture.Node;

    private ClientNet Client => fixture.Client;

    public static BalancerConfig Config(int backends) => new()
    {
        Node = new NodeConfig { Interface = "lb0", FlowTableSize = 65536, MaxVips = 16, MaxBackends = 64 },
        Vips =
        [
            Vip(s_http4, Enumerable.Range(1, backends).Select(Topology.Backend4)),
            Vip(s_udp4, Enumerable.Range(1, backends).Select(Topology.Backend4)),
            Vip(s_http6, Enumerable.Range(1, backends).Select(Topology.Backend6)),
            Vip(s_udp6, Enumerable.Range(1, backends).Select(Topology.Backend6)),
        ],
    };

    [Theory]
    [InlineData("10.210.100.1")]
    [InlineData("fd00:210:100::1")]
    public async Task Http_ThroughTheVip_ReachesEveryBackend_AndRepliesBypassTheBalancer(string vip)
    {
        var forwardedBefore = KernelForwarded();
        var answers = new List<string>();
        for (var i = 0; i < 60; i++)
        {
            answers.Add(await Client.GetOnce(IPAddress.Parse(vip)));
        }
        var forwarded = KernelForwarded() - forwardedBefore;

        var spread = answers.GroupBy(a => a).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine($"60 connections to {vip}: {string.Join(", ", spread.OrderBy(s => s.Key).Select(s => $"{s.Key}={s.Value}"))}; packets the balancer's kernel forwarded: {forwarded}");
        Assert.Equal(["be1", "be2", "be3"], spread.Keys.Order());
        Assert.All(spread.Values, count => Assert.InRange(count, 5, 40));
        // 60 connections are hundreds of reply packets; the balancer's kernel forwarded at most the
        // few packets it was handed while a backend's neighbour entry was still unresolved.
        Assert.InRange(forwarded, 0UL, 6UL);
        Assert.DoesNotContain(" via ", Topology.Exec("be1", "ip", "route", "get", Topology.Client4.ToString()));
    }

    [Theory]
    [InlineData("10.210.100.1")]
    [InlineData("fd00:210:100::1")]
    public void Udp_RequestResponse_ThroughTheVip_IsAnsweredByEveryBackend(string vip)
    {
        var answers = Enumerable.Range(0, 40).Select(i => Client.UdpOnce(IPAddress.Parse(vip), System.Text.Encoding.ASCII.GetBytes($"q{i}"))).ToList();

        Assert.All(answers.Select((a, i) => (a, i)), x => Assert.Matches($"^be[123] q{x.i}$", x.a));
        Assert.Equal(["be1", "be2", "be3"], answers.Select(a => a!.Split(' ')[0]).Distinct().Order());
    }

    [Fact]
    public async Task PinnedConnections_KeepTheirBackend_WhenABackendIsAdded()
    {
        const int Connections = 40;
        var ports = new int[Connections];
        var connects = new int[Connections];
        var clients = Enumerable.Range(0, Connections).Select(i => Client.Http(port =>
        {
            ports[i] = port;
            Interlocked.Increment(ref connects[i]);
        })).ToList();
        try
        {
            var first = new List<string>();
            foreach (var http in clients)
            {
                first.Add(await ClientNet.Backend(http, Topology.Vip4));
            }

            Node.Apply(Config(backends: 4));
            var wouldMove = Enumerable.Range(0, Connections).Count(i => !Node.RingBackend(s_http4, Flow(ports[i])).Equals(BackendOf(first[i])));
            output.WriteLine($"after adding be4, the new ring would move {wouldMove} of {Connections} open connections");

            for (var round = 0; round < 3; round++)
            {
                for (var i = 0; i < clients.Count; i++)
                {
                    Assert.Equal(first[i], await ClientNet.Backend(clients[i], Topology.Vip4));
                }
            }
            Assert.All(connects, n => Assert.Equal(1, n)); // every request went over the first connection
            Assert.InRange(wouldMove, 1, Connections);

            var fresh = new List<string>();
            for (var i = 0; i < 40; i++)
            {
                fresh.Add(await Client.GetOnce(Topology.Vip4));
            }
            Assert.Contains("be4", fresh);
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
            Node.Apply(Config(backends: 3));
        }
    }

    [Theory]
    [InlineData("10.210.100.1", 1472)]
    [InlineData("fd00:210:100::1", 1452)]
    public async Task MtuSizedPackets_CrossTheTunnel(string vip, int udpPayload)
    {
        var address = IPAddress.Parse(vip);
        using var http = Client.Http();
        using var response = await http.PostAsync(ClientNet.Url(address), new ByteArrayContent(new byte[256 * 1024]));
        Assert.Matches("^be[123] 262144$", (await response.Content.ReadAsStringAsync()).Trim());

        var payload = new byte[udpPayload]; // an IP packet of exactly the client's 1500-byte MTU
        Random.Shared.NextBytes(payload);
        var answer = Client.UdpOnce(address, payload);
        Assert.NotNull(answer);
        Assert.Equal(4 + udpPayload, answer.Length);
    }

    [Fact]
    public void PacketTooBigForTheBalancersEgress_IsDroppedAndCounted_NotLostSilently()
    {
        Topology.Exec("lb", "ip", "link", "set", "lb0", "mtu", "1500");
        try
        {
            // The next hop, MTU included, is cached for nexthop_cache_ttl: let it expire.
            Thread.Sleep(Node.Spec.Node.NexthopCacheTtl + TimeSpan.FromMilliseconds(300));
            var before = Node.ReasonCount(LbReason.DropFragNeeded);
            Assert.Null(Client.UdpOnce(Topology.Vip4, new byte[1472], TimeSpan.FromSeconds(1)));
            Assert.Equal(before + 1, Node.ReasonCount(LbReason.DropFragNeeded));
            Assert.NotNull(Client.UdpOnce(Topology.Vip4, new byte[1400]));
        }
        finally
        {
            Topology.Exec("lb", "ip", "link", "set", "lb0", "mtu", "1600");
        }
    }

    private static FlowTuple Flow(int localPort) => new(Topology.Client4, (ushort)localPort, Topology.Vip4, Topology.HttpPort, L4Protocol.Tcp);

    private static IPAddress BackendOf(string name) => Topology.Backend4(int.Parse(name[2..], System.Globalization.CultureInfo.InvariantCulture));

    private static VipConfig Vip(VipKey key, IEnumerable<IPAddress> backends) => new()
    {
        Address = key.Address.ToString(),
        Port = key.Port,
        Protocol = key.Protocol.ToString().ToLowerInvariant(),
        Backends = [.. backends.Select(b => new BackendConfig { Address = b.ToString() })],
    };

    /// <summary>Ip ForwDatagrams of the balancer's namespace: packets its kernel routed.</summary>
    private ulong KernelForwarded()
    {
        var ip = Topology.Exec("lb", "cat", "/proc/net/snmp").Split('\n').Where(l => l.StartsWith("Ip:", StringComparison.Ordinal)).ToList();
        var names = ip[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var values = ip[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return ulong.Parse(values[Array.IndexOf(names, "ForwDatagrams")], System.Globalization.CultureInfo.InvariantCulture);
    }
}
