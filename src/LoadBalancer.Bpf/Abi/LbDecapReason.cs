namespace LoadBalancer.Bpf.Abi;

/// <summary>Mirrors <c>enum lb_decap_reason</c>: the exits of lb_xdp_decap.</summary>
[BpfAbi("lb_decap_reason", Prefix = "LB_DECAP_")]
public enum LbDecapReason : uint
{
    /// <summary>Not IPIP: handed up untouched.</summary>
    PassOther = 0,

    /// <summary>Outer IPv4 stripped.</summary>
    Ipv4Outer,

    /// <summary>Outer IPv6 stripped.</summary>
    Ipv6Outer,

    /// <summary>Tunnel packet too short for its headers.</summary>
    DropTrunc,

    /// <summary>Tunnel packet from outside the balancers' outer source prefixes.</summary>
    DropForeign,

    /// <summary>Outer marked CE, inner Not-ECT: the congestion mark cannot be passed on (RFC 6040 4.2).</summary>
    DropCeNotEct,

    /// <summary>LB_DECAP_REASON_COUNT: the number of exits.</summary>
    [BpfName("LB_DECAP_REASON_COUNT")]
    Count,
}
