namespace LoadBalancer.Core.Api;

/// <summary>A backend of a VIP in force.</summary>
/// <param name="Address">Where the balancer tunnels to.</param>
/// <param name="Weight">Its configured weight.</param>
/// <param name="Drained">Takes no new flows.</param>
/// <param name="Id">Its backend id in the data plane's maps.</param>
/// <param name="Share">The share of new flows the scheduler gives it (0 to 1): of the Maglev ring for maglev and
/// maglev-src, of the list for rr and wrr; null for lc and wlc, which decide by <paramref name="ActiveFlows"/>.</param>
/// <param name="ActiveFlows">Flows placed on it and not closed by the client, as the data plane counts them (lb_real_flows; a count a recount raced below 0 shows as 0).</param>
public sealed record BackendInfo(string Address, long Weight, bool Drained, uint Id, double? Share, long ActiveFlows)
{
    /// <summary>What it is doing: healthy, slow-start, unhealthy, draining, drained or disabled (see lbctl health).</summary>
    public string State { get; init; } = "healthy";
}
