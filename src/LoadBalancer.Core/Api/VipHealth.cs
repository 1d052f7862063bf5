namespace LoadBalancer.Core.Api;

/// <summary>A VIP's pool health (lbctl health).</summary>
/// <param name="Vip">ADDRESS:PORT/PROTO.</param>
/// <param name="Check">How its backends are probed: none, tcp, http, https or command.</param>
/// <param name="Healthy">Backends in the pool that pass their checks.</param>
/// <param name="Serving">Backends that take new flows.</param>
/// <param name="Total">Backends in the pool (not drained, disabled or of weight 0).</param>
/// <param name="FailOpen">Too few are healthy (below the panic threshold): every backend takes new flows.</param>
/// <param name="Backends">Every backend of the VIP.</param>
public sealed record VipHealth(string Vip, string Check, int Healthy, int Serving, int Total, bool FailOpen, IReadOnlyList<BackendHealthInfo> Backends);
