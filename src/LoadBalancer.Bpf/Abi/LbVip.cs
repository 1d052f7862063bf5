namespace LoadBalancer.Bpf.Abi;

/// <summary>Mirrors <c>struct lb_vip</c>: the value of lb_vips.</summary>
[BpfAbi("lb_vip"), StructLayout(LayoutKind.Sequential)]
public struct LbVip
{
    /// <summary>Index of lb_rings and lb_vip_stats.</summary>
    public uint Id;

    /// <summary>Zero.</summary>
    public uint Pad;
}
