namespace LoadBalancer.Bpf.Abi;

/// <summary>
/// Mirrors <c>struct lb_flow_index</c>: a flow-table bucket's index line, per slot a tag and a
/// stamp, which the data plane reads before any slot. A hint kept by the slots' writers; the slot
/// itself is the truth.
/// </summary>
[BpfAbi("lb_flow_index"), StructLayout(LayoutKind.Sequential)]
public struct LbFlowIndex
{
    /// <summary>Per slot: 0 free, else the flow hash with its two low bits replaced by <see cref="LbFlowTagBit"/>.</summary>
    public LbFlowWayWords Tag;

    /// <summary>Per slot: access time (ns) &gt;&gt; 20, bit 0 replaced by <see cref="LbFlowStampBit"/>.</summary>
    public LbFlowWayWords Stamp;

    /// <summary>Zero.</summary>
    public ulong Pad;
}
