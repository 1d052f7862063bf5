using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using LoadBalancer.Core.Api;
using LoadBalancer.E2E.Tests.Daemon;
using LoadBalancer.Testing;
using Xunit;

namespace LoadBalancer.E2E.Tests.Cluster;

/// <summary>
/// A real lbd on LB node 1 or 2 of a <see cref="ClusterTopology"/>, configured as a cluster member:
/// its VIPs in the topology's etcd under a per-test prefix, BGP to the router with a 3 s hold time
/// (keepalive 1 s) and a 1 s drain grace. The first node seeds the store with the VIP
/// 10.211.100.1:80/tcp on backends 1 and 2. Disposing stops it gracefully (it withdraws its VIPs and
/// stops its gobgpd), so the next test starts with no route; then it is detached and its files removed.
/// </summary>
public sealed class ClusterNode : IDisposable
{
    /// <summary>The VIP the first node seeds.</summary>
    public const string Http = "10.211.100.1:80/tcp";

    private readonly ClusterTopology _topology;

    public ClusterNode(ClusterTopology topology, int node, string prefix, bool seed)
    {
        _topology = topology;
        Node = node;
        var name = ClusterTopology.Lb(node);
        Lbd = new LbdProcess(topology.NamespacePath(name), command => topology.Exec(name, command), Yaml(node, prefix, seed));
    }

    /// <summary>1 or 2.</summary>
    public int Node { get; }

    public LbdProcess Lbd { get; }

    public static implicit operator LbdProcess(ClusterNode node) => node.Lbd;

    public void Start() => Lbd.Start();

    /// <summary>SIGTERM: lbd withdraws, forwards for the drain grace, stops gobgpd, exits.</summary>
    public void Stop() => Lbd.Stop();

    /// <summary>
    /// A crash: SIGKILL to lbd alone. The gobgpd it ran must end with it (its parent-death signal),
    /// within 1 s: else this throws, after killing it so the cluster is left as a crash leaves it.
    /// The data plane stays attached (pinned), as after any crash of lbd.
    /// </summary>
    public void KillHard()
    {
        int[] Gobgpd() => [.. _topology.Pids(ClusterTopology.Lb(Node)).Where(p => Command(p) == "gobgpd")];
        Assert.NotEmpty(Gobgpd());
        Lbd.Stop(kill: true);
        var clock = Stopwatch.StartNew();
        while (Gobgpd().Length > 0 && clock.Elapsed < TimeSpan.FromSeconds(1))
        {
            Thread.Sleep(20);
        }
        var left = Gobgpd();
        foreach (var pid in left)
        {
            Shell.TryRun("kill", "-KILL", pid.ToString(CultureInfo.InvariantCulture));
        }
        Assert.True(left.Length == 0, $"gobgpd (pid {string.Join(", ", left)}) outlived the lbd that ran it by 1 s");
    }

    public StatusResponse Status() => LbdApi.Get<StatusResponse>(Lbd, "v1/status");

    public List<VipInfo> Vips() => LbdApi.Get<List<VipInfo>>(Lbd, "v1/vips");

    /// <summary>The packets the data plane counted for <paramref name="vip"/>.</summary>
    public ulong VipPackets(string vip = Http)
        => LbdApi.Get<StatsResponse>(Lbd, "v1/stats").Vips.Single(v => v.Vip == vip).Traffic.Packets;

    /// <summary>The flow-table entry for a client's connection to <paramref name="vip"/>, as <c>lbctl flows</c> reads it.</summary>
    public FlowEntry Flow(IPAddress client, int port, string vip = Http)
        => LbdApi.Get<FlowsResponse>(Lbd, $"v1/flows?client={Uri.EscapeDataString($"{client}:{port}")}&vip={Uri.EscapeDataString(vip)}").Flow!;

    /// <summary>The VIP's Maglev ring read back from the maps, through <c>lbctl vip ring --json</c>.</summary>
    public RingResponse Ring(string vip = Http)
        => JsonSerializer.Deserialize<RingResponse>(Lbctl.Ok(Lbd, "vip", "ring", vip, "--json"), JsonSerializerOptions.Web)!;

    /// <summary>
    /// Asserts that <paramref name="a"/> and <paramref name="b"/> hold byte-identical rings for each
    /// of <paramref name="vips"/>, read back from their maps, each the ring its node planned; returns
    /// a line per VIP to print.
    /// </summary>
    public static string AssertSameRings(ClusterNode a, ClusterNode b, params string[] vips)
    {
        var lines = new List<string>();
        foreach (var vip in vips)
        {
            var (ringA, ringB) = (a.Ring(vip), b.Ring(vip));
            Assert.True(ringA.MatchesPlan && ringB.MatchesPlan, $"{vip}: each node's ring is the one it planned");
            Assert.Equal(ringA.Sha256, ringB.Sha256);
            Assert.Equal(ringA.Backends, ringB.Backends);
            lines.Add($"{vip}: ring of {ringA.Size} slots, sha256 {ringA.Sha256[..16]}... on both nodes; "
                + string.Join(", ", ringA.Backends.Select(r => $"{r.Address} (id {r.Id}) {r.Slots} slots")));
        }
        return string.Join('\n', lines);
    }

    public void Dispose()
    {
        try
        {
            Lbd.Stop();
        }
        finally
        {
            Lbd.Dispose();
        }
    }

    private static string? Command(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string Yaml(int node, string prefix, bool seed)
    {
        var yaml = new StringBuilder($"""
            node:
              interface: {ClusterTopology.LbInterface}
              flow_table_size: 65536
            store:
              kind: etcd
              endpoints: [{EtcdServer.Endpoint}]
              prefix: {prefix}
            bgp:
              local_as: {ClusterTopology.LbAs}
              router_id: {ClusterTopology.Lb4(node)}
              hold_time: 3s
              keepalive: 1s
              next_hop6: {ClusterTopology.Lb6(node)}
              drain_grace: 1s
              peers:
                - address: {ClusterTopology.Router4}
                  as: {ClusterTopology.RouterAs}

            """);
        if (seed)
        {
            yaml.Append($"""
                vips:
                  - address: {ClusterTopology.Vip4}
                    port: 80
                    protocol: tcp
                    backends:
                      - address: {ClusterTopology.Backend4(1)}
                      - address: {ClusterTopology.Backend4(2)}

                """);
        }
        return yaml.ToString();
    }
}
