namespace LoadBalancer.Bpf.Abi;

/// <summary>Mirrors <c>struct lb_vip_key</c>: the key of lb_vips.</summary>
[BpfAbi("lb_vip_key"), StructLayout(LayoutKind.Sequential)]
public struct LbVipKey
{
    /// <summary>The VIP address; IPv4 in the first four bytes.</summary>
    public Ip6Bytes Addr;

    /// <summary>The port; 0 = any port.</summary>
    public Be16 Port;

    /// <summary>IPPROTO_TCP or IPPROTO_UDP.</summary>
    public byte Proto;

    /// <summary>The address family.</summary>
    public LbFamily Family;
}
