namespace LoadBalancer.Core.Model;

/// <summary>Where the desired state lives.</summary>
public enum StoreKind
{
    /// <summary>The configuration file and this node's state file.</summary>
    File,

    /// <summary>A key prefix in etcd shared by a cluster's nodes.</summary>
    Etcd,
}
