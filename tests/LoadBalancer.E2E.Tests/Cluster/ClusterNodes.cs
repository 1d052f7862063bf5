namespace LoadBalancer.E2E.Tests.Cluster;

/// <summary>Both LB nodes of a test and their etcd; disposing stops the nodes gracefully, then etcd.</summary>
/// <param name="Etcd">The etcd both nodes keep their VIPs in.</param>
/// <param name="Lb1">Node 1, which seeded the store.</param>
/// <param name="Lb2">Node 2.</param>
/// <param name="Announced">How long from starting lbd until the router had a next hop via each.</param>
public sealed record ClusterNodes(EtcdServer Etcd, ClusterNode Lb1, ClusterNode Lb2, TimeSpan Announced) : IDisposable
{
    public void Dispose()
    {
        try
        {
            try
            {
                Lb2.Dispose();
            }
            finally
            {
                Lb1.Dispose();
            }
        }
        finally
        {
            Etcd.Dispose();
        }
    }
}
