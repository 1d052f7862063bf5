using System.Net;

namespace LoadBalancer.Core.Health;

/// <summary>What the rails decided for one VIP's pool.</summary>
/// <param name="Backends">Each backend's verdict.</param>
/// <param name="FailOpen">Fewer backends are healthy than the panic threshold: every one takes new flows.</param>
/// <param name="Healthy">Backends in the pool (not drained, disabled or weight 0) that pass their checks.</param>
/// <param name="Pool">Backends in the pool.</param>
public sealed record PoolVerdict(IReadOnlyDictionary<IPAddress, BackendVerdict> Backends, bool FailOpen, int Healthy, int Pool)
{
    /// <summary>Backends that take new flows.</summary>
    public int Serving => Backends.Values.Count(v => v.TakesNewFlows);
}
