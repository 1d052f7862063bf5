using System.Diagnostics;
using LoadBalancer.Core.Api;
using LoadBalancer.E2E.Tests.Daemon;
using Xunit;
using Xunit.Abstractions;

namespace LoadBalancer.E2E.Tests.Cluster;

/// <summary>
/// Two real lbd nodes (lb1, lb2) with their own gobgpd, sharing their VIPs through a real etcd and
/// announcing them to the BIRD router, which spreads client flows over both with ECMP (L4 hash).
/// The times each step took are printed.
/// </summary>
public sealed class LbdClusterTests(ClusterFixture fixture, ITestOutputHelper output) : ClusterTest(fixture, output), IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task BothNodesAnnounce_FlowsSpreadOverBoth_AVipAddedOnOneNodeIsServedByBoth_WithTheSameIds()
    {
        using var nodes = StartNodes();
        var (lb1, lb2) = (nodes.Lb1, nodes.Lb2);
        Output.WriteLine($"both lbd nodes started and announced {ClusterTopology.Vip4}: two next hops at the router after {nodes.Announced.TotalSeconds:0.0} s");
        foreach (var lbd in new[] { lb1, lb2 })
        {
            // status shows the sessions as of the announcer's last round (every 500 ms)
            Wait(() => lbd.Status().Bgp!.Peers is [{ State: "established" }], TimeSpan.FromSeconds(3), $"lb{lbd.Node}'s status shows its session established");
            var status = lbd.Status();
            Assert.Equal("etcd", status.Store!.Kind);
            Assert.False(status.Store.Stale);
            Assert.Equal([ClusterTopology.Vip4.ToString()], status.Bgp!.Announced);
            Assert.Equal("established", Assert.Single(status.Bgp.Peers).State);
        }

        // 60 connections from as many source ports: the router's L4 hash puts some on each node
        using var client = new ClientNet(Topology.NamespacePath("cl"));
        var answers = new List<string>();
        for (var i = 0; i < 60; i++)
        {
            answers.Add(await client.GetOnce(ClusterTopology.Vip4));
        }
        var (packets1, packets2) = (lb1.VipPackets(), lb2.VipPackets());
        Output.WriteLine($"60 connections: backends {string.Join(", ", answers.GroupBy(a => a).Select(g => $"{g.Key} {g.Count()}"))}; VIP packets lb1 {packets1}, lb2 {packets2}");
        Assert.True(packets1 > 0 && packets2 > 0, $"both nodes forward: lb1 {packets1}, lb2 {packets2} packets");
        Assert.Equal(2, answers.Distinct().Count());

        // one command on lb1 changes both nodes, with the same ids; lb2's delay counts from the
        // commit (lbctl's return), not from lbctl's own process start
        var clock = Stopwatch.StartNew();
        Lbctl.Ok(lb1, "vip", "add", "10.211.100.1:8080/tcp", "--backend", ClusterTopology.Backend4(1).ToString(), "--backend", ClusterTopology.Backend4(2).ToString());
        var committed = clock.Elapsed;
        var applied = Wait(() => lb2.Vips().Any(v => v.Vip == "10.211.100.1:8080/tcp"), TimeSpan.FromSeconds(5), "lb2 serves the VIP added on lb1");
        Output.WriteLine($"vip add on lb1 (lbctl returned after {committed.TotalMilliseconds:0} ms): in force on lb2 {applied.TotalMilliseconds:0} ms after that");
        Assert.True(applied < TimeSpan.FromSeconds(2), $"lb2 took {applied.TotalMilliseconds:0} ms");
        var ids1 = lb1.Vips().SelectMany(v => v.Backends.Select(b => $"{v.Vip} {b.Address} id {b.Id}")).Order().ToList();
        var ids2 = lb2.Vips().SelectMany(v => v.Backends.Select(b => $"{v.Vip} {b.Address} id {b.Id}")).Order().ToList();
        Output.WriteLine("backend ids, lb1 and lb2:\n  " + string.Join("\n  ", ids1));
        Assert.Equal(ids1, ids2);
        Output.WriteLine("rings read back from the maps:\n  " + ClusterNode.AssertSameRings(lb1, lb2, ClusterNode.Http, "10.211.100.1:8080/tcp").Replace("\n", "\n  "));
        var ringText = Lbctl.Ok(lb2, "vip", "ring", "10.211.100.1:8080/tcp");
        Output.WriteLine($"lbctl vip ring on lb2:\n{ringText}");
        Assert.Contains("65537 slots read from lb_rings, as planned", ringText);
        Assert.Contains($"sha256   {lb1.Ring("10.211.100.1:8080/tcp").Sha256}", ringText);

        // on a cluster node a per-node scheduler is warned about
        var (code, text) = Lbctl.Run(lb2, "vip", "set", "10.211.100.1:8080/tcp", "--scheduler", "rr");
        Assert.True(code == 0, text);
        Assert.Contains("warning: rr decides on this node's state", text);
    }

    [Fact]
    public async Task NodeDrain_WithdrawsFirst_ResetsNoConnection_UndrainAnnouncesAgain()
    {
        using var nodes = StartNodes();
        var (lb1, lb2) = (nodes.Lb1, nodes.Lb2);

        // 30 long-lived connections, each its own HttpClient with one kept-alive connection
        using var client = new ClientNet(Topology.NamespacePath("cl"));
        var connections = 0;
        var clients = Enumerable.Range(0, 30).Select(_ => client.Http(_ => Interlocked.Increment(ref connections))).ToList();
        try
        {
            var before = await Task.WhenAll(clients.Select(c => ClientNet.Backend(c, ClusterTopology.Vip4)));
            Assert.Equal(30, connections);
            var onLb1 = lb1.VipPackets();
            Assert.True(onLb1 > 0, "some connections go through lb1");

            var clock = Stopwatch.StartNew();
            var drained = Lbctl.Ok(lb1, "node", "drain", "--grace", "4s");
            var returned = clock.Elapsed;
            Assert.Equal("draining", lb1.Status().Node!.Phase); // within the grace, which began before lbctl returned
            Router.WaitKernelNextHops(ClusterTopology.Vip4, [ClusterTopology.Lb4(2)], TimeSpan.FromSeconds(5));
            Output.WriteLine($"node drain on lb1 returned after {returned.TotalMilliseconds:0} ms ({drained.Trim()}); router down to lb2 after {clock.Elapsed.TotalMilliseconds:0} ms");
            Assert.Empty(lb1.Status().Bgp!.Announced);

            // every connection still answers, from the same backend, on the same connection
            var after = await Task.WhenAll(clients.Select(c => ClientNet.Backend(c, ClusterTopology.Vip4)));
            Assert.Equal(before, after);
            Assert.Equal(30, connections);
            Output.WriteLine($"after the drain: all 30 connections answered from their backends, 0 reconnects");

            Thread.Sleep(4100);
            Assert.Equal("drained", lb1.Status().Node!.Phase);
            lb1.Stop();
            lb1.Start();
            Assert.Equal("drained", lb1.Status().Node!.Phase);
            Thread.Sleep(1000);
            Assert.Equal([ClusterTopology.Lb4(2)], Router.KernelNextHops(ClusterTopology.Vip4));

            clock.Restart();
            Lbctl.Ok(lb1, "node", "undrain");
            Router.WaitKernelNextHops(ClusterTopology.Vip4, [ClusterTopology.Lb4(1), ClusterTopology.Lb4(2)], TimeSpan.FromSeconds(5));
            Output.WriteLine($"undrain: two next hops again after {clock.Elapsed.TotalMilliseconds:0} ms");
            Assert.Equal(before, await Task.WhenAll(clients.Select(c => ClientNet.Backend(c, ClusterTopology.Vip4))));
            Assert.Equal(30, connections);
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }
}
