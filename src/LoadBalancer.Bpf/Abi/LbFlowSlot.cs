namespace LoadBalancer.Bpf.Abi;

/// <summary>
/// Mirrors <c>struct lb_flow_slot</c>: one flow-table entry, a cache line, under a sequence lock
/// (<see cref="Seq"/> even while stable, odd while a writer owns it). A slot whose key's family is
/// <see cref="LbFamily.None"/> is free.
/// </summary>
[BpfAbi("lb_flow_slot"), StructLayout(LayoutKind.Sequential)]
public struct LbFlowSlot
{
    /// <summary>The 5-tuple the slot holds.</summary>
    public LbFlowKey Key;

    /// <summary>Where that flow is pinned.</summary>
    public LbFlow Flow;

    /// <summary>Sequence lock: even while stable, odd while being written.</summary>
    public uint Seq;

    /// <summary>Zero.</summary>
    public uint Pad;
}
