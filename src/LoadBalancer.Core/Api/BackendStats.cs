namespace LoadBalancer.Core.Api;

/// <summary>Traffic sent to one backend of a VIP.</summary>
/// <param name="Address">The backend.</param>
/// <param name="Drained">Whether it takes no new flows.</param>
/// <param name="Traffic">Its packets, bytes and new flows.</param>
/// <param name="ActiveFlows">Flows placed on it and not closed by the client, as the data plane counts them.</param>
/// <param name="SynRetransmits">SYNs clients repeated on a flow pinned to it whose handshake was open: SYNs it left unanswered.</param>
/// <param name="FreshRsts">Handshakes with it that clients abandoned with a RST before completing them.</param>
public sealed record BackendStats(string Address, bool Drained, Traffic Traffic, long ActiveFlows, long SynRetransmits, long FreshRsts);
