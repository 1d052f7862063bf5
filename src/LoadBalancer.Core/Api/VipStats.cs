namespace LoadBalancer.Core.Api;

/// <summary>Traffic of one VIP and its backends since the VIP came into force.</summary>
/// <param name="Vip">The VIP key.</param>
/// <param name="Traffic">Its packets, bytes and new flows.</param>
/// <param name="SynRetransmits">SYNs its clients repeated on a flow whose handshake was open: SYNs a backend left unanswered.</param>
/// <param name="FreshRsts">Handshakes its clients abandoned with a RST before completing them.</param>
/// <param name="FlowEvictions">Its new flows whose flow-table entry displaced that of another live, unclosed flow (a full bucket): the table is short of slots.</param>
/// <param name="Backends">Per backend.</param>
public sealed record VipStats(string Vip, Traffic Traffic, long SynRetransmits, long FreshRsts, long FlowEvictions, IReadOnlyList<BackendStats> Backends);
