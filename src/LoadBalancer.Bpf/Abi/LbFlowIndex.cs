namespace LoadBalancer.Bpf.Abi;

/// <summary>
/// Mirrors <c>struct lb_flow_index</c>: the value of lb_flow_index, a flow-table bucket's index line, per slot a tag, a
/// stamp and a sequence lock, which the data plane reads before any slot. Tag and stamp are a hint
/// kept by the slots' writers; the slot itself is the truth.
/// </summary>
[BpfAbi("lb_flow_index"), StructLayout(LayoutKind.Sequential)]
public struct LbFlowIndex
{
    /// <summary>Per slot: 0 free, else the flow hash with its two low bits replaced by <see cref="LbFlowTagBit"/>.</summary>
    public LbFlowWayWords Tag;

    /// <summary>Per slot: access time (ns) &gt;&gt; 20, bit 0 replaced by <see cref="LbFlowStampBit"/>.</summary>
    public LbFlowWayWords Stamp;

    /// <summary>
    /// The slots' sequence locks, byte <c>i</c> (little-endian) for slot <c>i</c>, byte 7 zero: even
    /// while the slot is stable, odd while a writer owns it, 0 if never written. A writer claims a
    /// slot with a compare-and-swap of the whole word.
    /// </summary>
    public ulong Seq;
}
