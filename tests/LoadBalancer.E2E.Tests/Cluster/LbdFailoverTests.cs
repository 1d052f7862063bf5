using System.Diagnostics;
using LoadBalancer.E2E.Tests.Daemon;
using Xunit;
using Xunit.Abstractions;

namespace LoadBalancer.E2E.Tests.Cluster;

/// <summary>
/// What a two-node cluster (real lbd, gobgpd, BIRD and etcd) survives: an LB node dying without a
/// word, and etcd going away for 10 s under traffic. The times each step took are printed.
/// </summary>
public sealed class LbdFailoverTests(ClusterFixture fixture, ITestOutputHelper output) : ClusterTest(fixture, output), IClassFixture<ClusterFixture>
{
    // BIRD's and lbd's hold time in these tests (ClusterNode, cluster_topo.sh): 3 s, keepalive 1 s.
    private static readonly TimeSpan s_holdTime = TimeSpan.FromSeconds(3);

    // What the route polls and a loaded 2-core machine may add to the hold time (1.6 s seen with
    // two busy loops beside the tests).
    private static readonly TimeSpan s_slack = TimeSpan.FromSeconds(2.5);

    [Fact]
    public async Task Lb1DiesWithoutAWord_TheRouterDropsItWithinTheHoldTime_AndEveryConnectionThroughItContinuesOnLb2_OnItsBackend()
    {
        using var nodes = StartNodes();
        var (lb1, lb2) = (nodes.Lb1, nodes.Lb2);
        Output.WriteLine(ClusterNode.AssertSameRings(lb1, lb2, ClusterNode.Http));

        // 40 long-lived connections, each its own HttpClient with one kept-alive connection whose port we know
        const int N = 40;
        using var client = new ClientNet(Topology.NamespacePath("cl"));
        var ports = new int[N];
        var connections = 0;
        var clients = Enumerable.Range(0, N).Select(i => client.Http(port =>
        {
            ports[i] = port;
            Interlocked.Increment(ref connections);
        })).ToList();
        try
        {
            var before = await Task.WhenAll(clients.Select(c => ClientNet.Backend(c, ClusterTopology.Vip4)));
            Assert.Equal(N, connections);
            var viaLb1 = Enumerable.Range(0, N).Where(i => lb1.Flow(ClusterTopology.Client4, ports[i]).Found).ToList();
            Output.WriteLine($"{N} connections established; {viaLb1.Count} of them through lb1 (it holds their flow entries)");
            Assert.NotEmpty(viaLb1);
            Assert.All(viaLb1, i => Assert.False(lb2.Flow(ClusterTopology.Client4, ports[i]).Found));

            // lb1 dies: cut off at the switch (the router's link stays up), then lbd killed (its gobgpd ends with it)
            var clock = Stopwatch.StartNew();
            try
            {
                Topology.CutLb(1);
                lb1.KillHard();
                Router.WaitKernelNextHops(ClusterTopology.Vip4, [ClusterTopology.Lb4(2)], RouteTimeout);
                var dropped = clock.Elapsed;
                Output.WriteLine($"lb1 cut off and killed: the router dropped its route after {dropped.TotalMilliseconds:0} ms (hold time {s_holdTime.TotalSeconds:0} s, keepalive 1 s)");
                Assert.True(dropped < s_holdTime + s_slack, $"the route went after {dropped.TotalMilliseconds:0} ms");
                Assert.Contains("Hold timer expired", Router.LogTail(50));

                // every connection answers from the backend it had, on the same connection; lb1's now through lb2
                var after = await Task.WhenAll(clients.Select(c => ClientNet.Backend(c, ClusterTopology.Vip4)));
                Assert.Equal(before, after);
                Assert.Equal(N, connections);
                Assert.All(viaLb1, i => Assert.True(lb2.Flow(ClusterTopology.Client4, ports[i]).Found, $"lb2 now carries connection {i}"));
                Output.WriteLine($"after the failover: all {N} connections answered from the same backends with 0 reconnects; the {viaLb1.Count} that went through lb1 now go through lb2");
            }
            finally
            {
                Topology.RestoreLb(1);
            }
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task EtcdStoppedForTenSeconds_ForwardingGoesOn_StatusShowsStale_AChangeAfterItReturnsReachesBothNodes()
    {
        using var nodes = StartNodes();
        var (lb1, lb2, etcd) = (nodes.Lb1, nodes.Lb2, nodes.Etcd);
        var both = new[] { lb1, lb2 };
        var revision = lb1.Status().Store!.Revision;
        Assert.Equal(revision, lb2.Status().Store!.Revision);

        const int N = 20;
        using var client = new ClientNet(Topology.NamespacePath("cl"));
        var connections = 0;
        var clients = Enumerable.Range(0, N).Select(_ => client.Http(_ => Interlocked.Increment(ref connections))).ToList();
        try
        {
            var before = await Task.WhenAll(clients.Select(c => ClientNet.Backend(c, ClusterTopology.Vip4)));

            var outage = Stopwatch.StartNew();
            etcd.Stop();
            var stale = Wait(() => both.All(n => n.Status().Store!.Stale), TimeSpan.FromSeconds(8), "both nodes show the store stale");
            Output.WriteLine($"etcd stopped: both nodes show the store stale after {stale.TotalMilliseconds:0} ms");
            Assert.All(both, n => Assert.Contains("lb_store_stale 1", n.Lbd.Metrics()));

            // a change now is refused with the reason, and nothing changes
            var (code, refused) = Lbctl.Run(lb1, "vip", "add", "10.211.100.1:8081/tcp", "--backend", ClusterTopology.Backend4(1).ToString());
            Assert.True(code != 0, refused);
            Assert.Contains("nothing changed", refused);
            Output.WriteLine($"a change during the outage: lbctl exited {code}: {refused.Trim()}");

            // traffic until etcd has been gone 10 s: new connections and the long-lived ones, bounded in count
            int fresh = 0, kept = 0, failed = 0;
            var failures = new List<string>();
            for (var i = 0; outage.Elapsed < TimeSpan.FromSeconds(10) && i < 500; i++)
            {
                try
                {
                    await client.GetOnce(ClusterTopology.Vip4);
                    fresh++;
                    Assert.Equal(before[i % N], await ClientNet.Backend(clients[i % N], ClusterTopology.Vip4));
                    kept++;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    failed++;
                    failures.Add(e.Message);
                }
                await Task.Delay(100);
            }
            Output.WriteLine($"during the outage: {fresh} new connections and {kept} requests on long-lived ones answered, {failed} failed; both nodes still stale: {both.All(n => n.Status().Store!.Stale)}");
            Assert.Equal(0, failed);
            Assert.True(fresh >= 20, $"{fresh} new connections");
            Assert.All(both, n => Assert.True(n.Status().Store!.Stale));

            var back = etcd.Start();
            var reconnected = Wait(() => both.All(n => !n.Status().Store!.Stale), TimeSpan.FromSeconds(10), "both nodes reconnect");
            Output.WriteLine($"etcd back after {outage.Elapsed.TotalSeconds:0.0} s of outage (healthy in {back.TotalMilliseconds:0} ms): both nodes connected again {reconnected.TotalMilliseconds:0} ms later, at revision {lb1.Status().Store!.Revision}");
            Assert.All(both, n => Assert.Equal(revision, n.Status().Store!.Revision));

            // one command on lb2 now changes both nodes
            Lbctl.Ok(lb2, "vip", "add", "10.211.100.1:8081/tcp", "--backend", ClusterTopology.Backend4(1).ToString(), "--backend", ClusterTopology.Backend4(2).ToString());
            var applied = Wait(() => lb1.Vips().Any(v => v.Vip == "10.211.100.1:8081/tcp"), TimeSpan.FromSeconds(5), "lb1 serves the VIP added on lb2");
            Output.WriteLine($"vip add on lb2 after the outage: in force on lb1 {applied.TotalMilliseconds:0} ms after lbctl returned");
            Assert.True(applied < TimeSpan.FromSeconds(2), $"lb1 took {applied.TotalMilliseconds:0} ms");
            Output.WriteLine(ClusterNode.AssertSameRings(lb1, lb2, ClusterNode.Http, "10.211.100.1:8081/tcp"));
            Assert.Equal(lb1.Status().Store!.Revision, lb2.Status().Store!.Revision);

            Assert.Equal(before, await Task.WhenAll(clients.Select(c => ClientNet.Backend(c, ClusterTopology.Vip4))));
            Assert.Equal(N, connections);
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }
}
