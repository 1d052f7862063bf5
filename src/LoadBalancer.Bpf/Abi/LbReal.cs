namespace LoadBalancer.Bpf.Abi;

/// <summary>Mirrors <c>struct lb_real</c>: the value of lb_reals, indexed by backend id.</summary>
[BpfAbi("lb_real"), StructLayout(LayoutKind.Sequential)]
public struct LbReal
{
    /// <summary>The backend address; IPv4 in the first four bytes.</summary>
    public Ip6Bytes Addr;

    /// <summary>The VIP it serves; read by the control plane only, to rebuild its state.</summary>
    public uint VipId;

    /// <summary>The address family; <see cref="LbFamily.None"/> = id not in use.</summary>
    public LbFamily Family;

    /// <summary>Zero.</summary>
    public byte Pad;

    /// <summary>Effective weight (0 while drained), which wlc divides active flows by.</summary>
    public ushort Weight;
}
