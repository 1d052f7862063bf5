namespace LoadBalancer.Core.Api;

/// <summary>A VIP in force.</summary>
/// <param name="Vip">Its key, e.g. <c>10.0.0.1:80/tcp</c>.</param>
/// <param name="Source"><c>config</c> (the file) or <c>runtime</c> (created with lbctl).</param>
/// <param name="Scheduler">Its scheduler name.</param>
/// <param name="PerNode">Whether its scheduler decides by per-node state (rr, wrr, lc, wlc): with ECMP over
/// several nodes, a flow moved to another node may change backend.</param>
/// <param name="Backends">Its backends.</param>
public sealed record VipInfo(string Vip, string Source, string Scheduler, bool PerNode, IReadOnlyList<BackendInfo> Backends);
