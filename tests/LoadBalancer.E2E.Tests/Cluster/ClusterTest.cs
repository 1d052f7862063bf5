using System.Diagnostics;
using Xunit.Abstractions;

namespace LoadBalancer.E2E.Tests.Cluster;

/// <summary>
/// A test class on its own cluster topology (<see cref="ClusterFixture"/>): each test starts with no
/// route at the router (the previous test's speakers stopped), and can start both LB nodes as real
/// lbd on a fresh etcd with <see cref="StartNodes"/>.
/// </summary>
public abstract class ClusterTest
{
    /// <summary>How long both nodes may take to be announced: BIRD's connect retry and gobgpd's start.</summary>
    protected static readonly TimeSpan RouteTimeout = TimeSpan.FromSeconds(20);

    private static int s_count;
    private readonly ClusterFixture _fixture;

    protected ClusterTest(ClusterFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        Output = output;
        // whatever an earlier test announced went with its speakers: start from no route
        Router.WaitKernelNextHops(ClusterTopology.Vip4, [], TimeSpan.FromSeconds(10));
        Router.WaitKernelNextHops(ClusterTopology.Vip6, [], TimeSpan.FromSeconds(10));
    }

    protected ClusterTopology Topology => _fixture.Topology;

    protected BirdRouter Router => _fixture.Router;

    protected ITestOutputHelper Output { get; }

    /// <summary>
    /// A fresh etcd, then lb1 (seeding the store under a prefix of this test's own) and lb2 started;
    /// returns once the router has a next hop via each.
    /// </summary>
    protected ClusterNodes StartNodes()
    {
        var etcd = new EtcdServer(Topology);
        ClusterNode? lb1 = null, lb2 = null;
        try
        {
            etcd.Start();
            var prefix = $"/lbtest/{Interlocked.Increment(ref s_count)}";
            lb1 = new ClusterNode(Topology, 1, prefix, seed: true);
            lb2 = new ClusterNode(Topology, 2, prefix, seed: false);
            var clock = Stopwatch.StartNew();
            lb1.Start();
            lb2.Start();
            Router.WaitKernelNextHops(ClusterTopology.Vip4, [ClusterTopology.Lb4(1), ClusterTopology.Lb4(2)], RouteTimeout);
            return new ClusterNodes(etcd, lb1, lb2, clock.Elapsed);
        }
        catch
        {
            lb2?.Dispose();
            lb1?.Dispose();
            etcd.Dispose();
            throw;
        }
    }

    /// <summary>Polls every 20 ms until <paramref name="done"/> holds, at most <paramref name="timeout"/>; returns how long it took.</summary>
    protected static TimeSpan Wait(Func<bool> done, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!done())
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"not within {timeout.TotalSeconds:0} s: {what}");
            }
            Thread.Sleep(20);
        }
        return clock.Elapsed;
    }
}
