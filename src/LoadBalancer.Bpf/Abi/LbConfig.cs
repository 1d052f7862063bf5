namespace LoadBalancer.Bpf.Abi;

/// <summary>Mirrors <c>struct lb_config</c>: the load-time knobs in section .rodata.config.</summary>
[BpfAbi("lb_config"), StructLayout(LayoutKind.Sequential)]
public struct LbConfig
{
    /// <summary>LB_ABI_VERSION of the loader that wrote it.</summary>
    public uint AbiVersion;

    /// <summary>Maglev slots per VIP (prime); the inner size of lb_rings.</summary>
    public uint RingSize;

    /// <summary>A TCP flow entry unused this long (ns) is a miss.</summary>
    public ulong TcpIdleNs;

    /// <summary>A UDP flow entry unused this long (ns) is a miss.</summary>
    public ulong UdpIdleNs;

    /// <summary>A resolved next hop is reused this long (ns) per CPU; 0 = bpf_fib_lookup per packet.</summary>
    public ulong NexthopTtlNs;

    /// <summary>Flow hash seed; equal on every node of a fleet.</summary>
    public uint HashSeed;

    /// <summary>Outer IPv4 source prefix.</summary>
    public Be32 Src4;

    /// <summary>Bits of <see cref="Src4"/> taken from the flow hash.</summary>
    public Be32 Src4Hostmask;

    /// <summary>Outer IPv6 source prefix.</summary>
    public Ip6Bytes Src6;

    /// <summary>Bits of the last word of <see cref="Src6"/> taken from the flow hash.</summary>
    public Be32 Src6Hostmask;

    /// <summary>Max outer L3 length on the fallback-MAC path; 0 = unchecked.</summary>
    public ushort Mtu;

    /// <summary>Next hop when bpf_fib_lookup has no answer; all zero = none.</summary>
    public MacBytes FallbackMac;

    /// <summary>Flow-table buckets (entries of lb_flow_index) minus one, a power of two: a flow's bucket is its hash AND this.</summary>
    public uint FlowBucketMask;

    /// <summary>Zero.</summary>
    public uint Pad;
}
