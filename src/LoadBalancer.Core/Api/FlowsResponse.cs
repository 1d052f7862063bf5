namespace LoadBalancer.Core.Api;

/// <summary>GET /v1/flows: flow-table occupancy, and one flow's entry when a 5-tuple was given.</summary>
/// <param name="Entries">Entries in the flow table.</param>
/// <param name="Capacity">Its size.</param>
/// <param name="Flow">The entry looked up, or null.</param>
public sealed record FlowsResponse(long Entries, long Capacity, FlowEntry? Flow);
