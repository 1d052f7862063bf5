namespace LoadBalancer.Bpf.Abi;

/// <summary>Mirrors <c>struct lb_decap_config</c>: the outer source prefixes lb_xdp_decap accepts tunnel packets from.</summary>
[BpfAbi("lb_decap_config"), StructLayout(LayoutKind.Sequential)]
public struct LbDecapConfig
{
    /// <summary>IPv4 outer source prefix.</summary>
    public Be32 Src4;

    /// <summary>Its netmask.</summary>
    public Be32 Src4Mask;

    /// <summary>IPv6 outer source prefix.</summary>
    public Ip6Bytes Src6;

    /// <summary>Its netmask.</summary>
    public Ip6Bytes Src6Mask;
}
