namespace LoadBalancer.Bpf.Abi;

/// <summary>Mirrors <c>struct lb_flow</c>: where a flow is pinned, in its slot of lb_flows.</summary>
[BpfAbi("lb_flow"), StructLayout(LayoutKind.Sequential)]
public struct LbFlow
{
    /// <summary>CLOCK_MONOTONIC_COARSE (ns) of the last refresh.</summary>
    public ulong AtimeNs;

    /// <summary>The backend the flow is pinned to.</summary>
    public uint RealId;

    /// <summary>The VIP the flow matched.</summary>
    public ushort VipId;

    /// <summary>What happened to the flow.</summary>
    public LbFlowFlag Flags;

    /// <summary>Zero.</summary>
    public byte Pad;
}
