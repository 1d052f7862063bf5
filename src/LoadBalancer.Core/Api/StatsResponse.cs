namespace LoadBalancer.Core.Api;

/// <summary>GET /v1/stats: counters read from the data plane's per-CPU maps, summed.</summary>
/// <param name="At">When they were read.</param>
/// <param name="Vips">Per VIP, with its backends.</param>
/// <param name="Reasons">Packets not forwarded, and special paths, by reason (<c>drop_ip_len</c>, <c>pass_not_vip</c>...).</param>
/// <param name="FlowTableEntries">Entries in the flow table now.</param>
/// <param name="FlowTableCapacity">Its size.</param>
public sealed record StatsResponse(DateTimeOffset At, IReadOnlyList<VipStats> Vips, IReadOnlyList<ReasonCount> Reasons, long FlowTableEntries, long FlowTableCapacity);
