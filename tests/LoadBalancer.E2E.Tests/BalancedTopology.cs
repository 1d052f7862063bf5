using LoadBalancer.Core.Config;

namespace LoadBalancer.E2E.Tests;

/// <summary>
/// A topology with a balancer attached and a client: the shared state of a test class. Subclasses
/// name the backend count and the first configuration (xUnit fixtures need a parameterless constructor).
/// </summary>
public abstract class BalancedTopology : IDisposable
{
    protected BalancedTopology(int backends, BalancerConfig config)
    {
        Topology = new Topology(backends);
        try
        {
            Node = new BalancerNode(Topology, config);
            Client = new ClientNet(Topology);
        }
        catch
        {
            // xUnit does not dispose a fixture whose constructor throws
            Node?.Dispose();
            Topology.Dispose();
            throw;
        }
    }

    public Topology Topology { get; }

    public BalancerNode Node { get; }

    public ClientNet Client { get; }

    public void Dispose()
    {
        Client.Dispose();
        Node.Dispose();
        Topology.Dispose();
        GC.SuppressFinalize(this);
    }
}
