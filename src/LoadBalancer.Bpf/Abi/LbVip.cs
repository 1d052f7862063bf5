namespace LoadBalancer.Bpf.Abi;

/// <summary>Mirrors <c>struct lb_vip</c>: the value of lb_vips.</summary>
[BpfAbi("lb_vip"), StructLayout(LayoutKind.Sequential)]
public struct LbVip
{
    /// <summary>Index of lb_rings, lb_schedules and lb_vip_stats.</summary>
    public uint Id;

    /// <summary>How the VIP places new flows.</summary>
    public LbScheduler Scheduler;

    /// <summary>Zero.</summary>
    public Pad3 Pad;
}
