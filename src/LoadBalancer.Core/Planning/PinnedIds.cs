using LoadBalancer.Core.Model;

namespace LoadBalancer.Core.Planning;

/// <summary>
/// VIP and backend ids fixed by a shared store (etcd), so every node of a cluster uses the same
/// ids, and so builds byte-identical Maglev rings, whatever order it saw the changes in.
/// </summary>
/// <param name="Vips">Id of each VIP.</param>
/// <param name="Backends">Id of each backend of a VIP.</param>
public sealed record PinnedIds(IReadOnlyDictionary<VipKey, uint> Vips, IReadOnlyDictionary<BackendRef, uint> Backends);
