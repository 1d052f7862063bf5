namespace LoadBalancer.Bpf.Objects;

/// <summary>Capacities of the balancer's maps, fixed at load time.</summary>
/// <param name="MaxVips">VIP ids below this: entries of lb_rings and lb_vip_stats; lb_vips holds twice as many (VIPs and address markers).</param>
/// <param name="MaxReals">Entries of lb_reals and lb_real_stats (backend ids below this).</param>
/// <param name="FlowTableSize">Entries of the lb_flows LRU table.</param>
public sealed record BalancerMapSizes(uint MaxVips, uint MaxReals, uint FlowTableSize);
