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

    /// <summary>IP traffic for an address that is no VIP.</summary>
    PassNotVip,

    /// <summary>Encapsulated, then handed to the kernel to forward (unresolved neighbour, tagged frame without fallback MAC, egress device not in lb_tx_ports).</summary>
    PassKernelFwd,

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

    /// <summary>IP fragment for a VIP address.</summary>
    DropVipFragment,

    /// <summary>VIP address, but no VIP for this protocol and port (ICMP included).</summary>
    DropVipUnserved,

    /// <summary>The VIP has no ring or the slot names no backend.</summary>
    DropNoReal,

    /// <summary>No usable route to the backend (none and no fallback MAC, or blackhole/unreachable/prohibit).</summary>
    DropNoRoute,

    /// <summary>The encapsulated packet exceeds the egress MTU.</summary>
    DropFragNeeded,

    /// <summary>No headroom for the outer header.</summary>
    DropEncap,

    /// <summary>LB_REASON_COUNT: the number of reasons.</summary>
    [BpfName("LB_REASON_COUNT")]
    Count,
}
