namespace LoadBalancer.Bpf.Abi;

/// <summary>Mirrors <c>struct lb_flow_key</c>: the 5-tuple as the client sent it, in its slot of lb_flows.</summary>
[BpfAbi("lb_flow_key"), StructLayout(LayoutKind.Sequential)]
public struct LbFlowKey
{
    /// <summary>Client address; IPv4 in the first four bytes.</summary>
    public Ip6Bytes Src;

    /// <summary>VIP address; IPv4 in the first four bytes.</summary>
    public Ip6Bytes Dst;

    /// <summary>Client port.</summary>
    public Be16 Sport;

    /// <summary>VIP port.</summary>
    public Be16 Dport;

    /// <summary>IPPROTO_TCP or IPPROTO_UDP.</summary>
    public byte Proto;

    /// <summary>The address family.</summary>
    public LbFamily Family;

    /// <summary>Zero.</summary>
    public Pad2 Pad;
}
