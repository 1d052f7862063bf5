namespace LoadBalancer.Core.Api;

/// <summary>GET /v1/explain: how the data plane would place one flow, read from the live maps.</summary>
/// <param name="Flow">The 5-tuple explained.</param>
/// <param name="Vip">The VIP it matches (exact port, or the address's any-port VIP), or null.</param>
/// <param name="Match"><c>exact</c>, <c>wildcard</c>, <c>unserved</c> (a VIP address, no VIP for this port) or <c>none</c>.</param>
/// <param name="Scheduler">The VIP's scheduler (<c>maglev</c>, <c>rr</c>, ...).</param>
/// <param name="Hash">The flow hash.</param>
/// <param name="RingSlot">The ring slot a new flow indexes (maglev: hash % ring size; maglev-src: client hash % ring size); null for list schedulers.</param>
/// <param name="NewFlowBackend">The backend the scheduler gives a new flow now (rr/wrr: if CPU 0 receives it).</param>
/// <param name="Placement">The scheduler's reasoning: ring slot, list position per CPU, or the active-flow counts compared.</param>
/// <param name="FlowEntry">The flow table's entry for it, if any.</param>
/// <param name="Backend">Where its next packet goes.</param>
/// <param name="Reason">Why, in one line.</param>
/// <param name="OuterSource">The outer source address the tunnel uses for it.</param>
public sealed record ExplainResponse(string Flow, string? Vip, string Match, string? Scheduler, uint? Hash, uint? RingSlot, string? NewFlowBackend, string? Placement, FlowEntry? FlowEntry, string? Backend, string Reason, string? OuterSource);
