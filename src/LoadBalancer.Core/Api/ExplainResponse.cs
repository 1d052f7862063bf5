namespace LoadBalancer.Core.Api;

/// <summary>GET /v1/explain: how the data plane would place one flow, read from the live maps.</summary>
/// <param name="Flow">The 5-tuple explained.</param>
/// <param name="Vip">The VIP it matches (exact port, or the address's any-port VIP), or null.</param>
/// <param name="Match"><c>exact</c>, <c>wildcard</c>, <c>unserved</c> (a VIP address, no VIP for this port) or <c>none</c>.</param>
/// <param name="Hash">The flow hash.</param>
/// <param name="RingSlot">hash % ring size.</param>
/// <param name="RingBackend">The backend in that slot of the live ring.</param>
/// <param name="FlowEntry">The flow table's entry for it, if any.</param>
/// <param name="Backend">Where its next packet goes.</param>
/// <param name="Reason">Why, in one line.</param>
/// <param name="OuterSource">The outer source address the tunnel uses for it.</param>
public sealed record ExplainResponse(string Flow, string? Vip, string Match, uint? Hash, uint? RingSlot, string? RingBackend, FlowEntry? FlowEntry, string? Backend, string Reason, string? OuterSource);
