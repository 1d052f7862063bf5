namespace LoadBalancer.Core.Config;

/// <summary>
/// The configuration as an operator writes it (the YAML file's shape): strings and numbers,
/// not yet checked. <see cref="ConfigValidator"/> turns it into a <see cref="Model.BalancerSpec"/>.
/// </summary>
public sealed class BalancerConfig
{
    /// <summary>Per-node data-plane settings.</summary>
    public NodeConfig Node { get; set; } = new();

    /// <summary>The VIPs this node serves (with an etcd store: the VIPs that seed an empty cluster prefix).</summary>
    public List<VipConfig> Vips { get; set; } = [];

    /// <summary>Where the VIPs live: this file (default) or etcd.</summary>
    public StoreConfig? Store { get; set; }

    /// <summary>BGP announcement of the VIPs; absent = none.</summary>
    public BgpConfig? Bgp { get; set; }
}
