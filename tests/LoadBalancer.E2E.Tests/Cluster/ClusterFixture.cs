namespace LoadBalancer.E2E.Tests.Cluster;

/// <summary>One cluster topology (two backends) and its router for a test class; speakers, etcd and daemons are each test's own.</summary>
public sealed class ClusterFixture : IDisposable
{
    public ClusterFixture()
    {
        Topology = new ClusterTopology(backends: 2);
        Router = new BirdRouter(Topology);
    }

    public ClusterTopology Topology { get; }

    public BirdRouter Router { get; }

    public void Dispose() => Topology.Dispose();
}
