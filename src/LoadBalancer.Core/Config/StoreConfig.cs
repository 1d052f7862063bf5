namespace LoadBalancer.Core.Config;

/// <summary>
/// Where the VIPs and backends live (<c>store</c>). <c>file</c>: this configuration file plus the
/// node's state file of lbctl changes. <c>etcd</c>: a key prefix in etcd shared by every node of a
/// cluster, so one lbctl command changes them all; the node keys (<c>node</c>, <c>bgp</c>,
/// <c>store</c>) stay in this file, and <c>vips</c> here only seed an empty prefix.
/// </summary>
public sealed class StoreConfig
{
    /// <summary><c>file</c> or <c>etcd</c>. <remarks>Default file.</remarks></summary>
    public string Kind { get; set; } = "file";

    /// <summary>etcd client URLs (http://HOST:PORT). <remarks>Required for etcd.</remarks></summary>
    public List<string> Endpoints { get; set; } = [];

    /// <summary>The cluster's key prefix, e.g. <c>/lb/edge1</c>. <remarks>Default /lb.</remarks></summary>
    public string Prefix { get; set; } = "/lb";

    /// <summary>Time allowed for one etcd request; beyond it etcd counts as unreachable. <remarks>Default 2s.</remarks></summary>
    public string Timeout { get; set; } = "2s";
}
