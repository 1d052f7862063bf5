namespace LoadBalancer.E2E.Tests.Health;

/// <summary>
/// One topology (client, balancer namespace, four backends) for the health tests, with the backend
/// servers under the tests' control; each test runs its own lbd.
/// </summary>
public sealed class HealthFixture : IDisposable
{
    public HealthFixture()
    {
        Topology = new Topology(backends: 4);
        try
        {
            Servers = new BackendServers(Topology);
            Client = new ClientNet(Topology);
        }
        catch
        {
            // xUnit does not dispose a fixture whose constructor throws
            Servers?.Dispose();
            Topology.Dispose();
            throw;
        }
    }

    public Topology Topology { get; }

    public BackendServers Servers { get; }

    public ClientNet Client { get; }

    public void Dispose()
    {
        try
        {
            Client.Dispose();
            Servers.Dispose();
        }
        finally
        {
            Topology.Dispose();
        }
    }
}
