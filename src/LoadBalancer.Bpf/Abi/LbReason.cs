namespace LoadBalancer.Bpf.Abi;

/// <summary>
/// Mirrors <c>enum lb_reason</c>: why a packet left lb_xdp_ingress without being forwarded,
/// or which special path it took. <c>Pass*</c> values end in XDP_PASS, <c>Drop*</c> in XDP_DROP.
/// </summary>
[BpfAbi("lb_reason")]
public enum LbReason : uint
{
    /// <summary>ARP, LLDP, QinQ, any non-IP ethertype.</summary>
    PassNotIp = 0,

    /// <summary>IP traffic for an address:port that is no VIP.</summary>
    PassNotVip,

    /// <summary>IPv4/IPv6 fragment: no ports to hash on.</summary>
    PassFragment,

    /// <summary>Neither TCP nor UDP.</summary>
    PassOtherL4,

    /// <summary>Encapsulated, next hop unresolved: the kernel forwards it and resolves the neighbour.</summary>
    PassNoNeigh,

    /// <summary>Shorter than an Ethernet (+ VLAN) header.</summary>
    DropEthTrunc,

    /// <summary>IPv4 header (with options) or IPv6 header cut short.</summary>
    DropIpTrunc,

    /// <summary>IP version field does not match the ethertype.</summary>
    DropIpVersion,

    /// <summary>IPv4 IHL below 5.</summary>
    DropIpIhl,

    /// <summary>IP length field beyond the frame or below the header.</summary>
    DropIpLen,

    /// <summary>TCP header cut short.</summary>
    DropTcpTrunc,

    /// <summary>UDP header cut short.</summary>
    DropUdpTrunc,

    /// <summary>The VIP has no ring or the slot names no backend.</summary>
    DropNoReal,

    /// <summary>No route to the backend and no fallback MAC.</summary>
    DropNoRoute,

    /// <summary>The encapsulated packet exceeds the egress MTU.</summary>
    DropFragNeeded,

    /// <summary>No headroom for the outer header.</summary>
    DropEncap,

    /// <summary>LB_REASON_COUNT: the number of reasons.</summary>
    [BpfName("LB_REASON_COUNT")]
    Count,
}
