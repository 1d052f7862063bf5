namespace LoadBalancer.Bpf.Abi;

/// <summary>Mirrors <c>struct lb_nexthop</c>: where a backend's packets leave, cached per CPU in lb_nexthops.</summary>
[BpfAbi("lb_nexthop"), StructLayout(LayoutKind.Sequential)]
public struct LbNexthop
{
    /// <summary>The backend address the entry was resolved for.</summary>
    public Ip6Bytes Addr;

    /// <summary>CLOCK_MONOTONIC_COARSE (ns) after which the entry is resolved again; 0 = empty.</summary>
    public ulong ExpiresNs;

    /// <summary>Egress device: XDP_TX when it is the ingress device.</summary>
    public uint Ifindex;

    /// <summary>The device the entry was resolved for.</summary>
    public uint IngressIfindex;

    /// <summary>Largest outer L3 length; 0 = unchecked.</summary>
    public ushort Mtu;

    /// <summary>The next hop's MAC.</summary>
    public MacBytes Dmac;

    /// <summary>The egress device's MAC.</summary>
    public MacBytes Smac;

    /// <summary>Zero.</summary>
    public Pad2 Pad;
}
