namespace LoadBalancer.Core.Model;

/// <summary>Validated store settings; see <see cref="Config.StoreConfig"/>.</summary>
/// <param name="Kind">File or etcd.</param>
/// <param name="Endpoints">etcd client URLs (empty for file).</param>
/// <param name="Prefix">The cluster's key prefix, without a trailing slash.</param>
/// <param name="Timeout">Time allowed for one etcd request.</param>
public sealed record StoreSpec(StoreKind Kind, IReadOnlyList<Uri> Endpoints, string Prefix, TimeSpan Timeout)
{
    /// <summary>The default: this node's files.</summary>
    public static StoreSpec File { get; } = new(StoreKind.File, [], "/lb", TimeSpan.FromSeconds(2));
}
