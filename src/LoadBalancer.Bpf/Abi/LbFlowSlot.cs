namespace LoadBalancer.Bpf.Abi;

/// <summary>
/// Mirrors <c>struct lb_flow_slot</c>: the value of lb_flows, one flow-table entry, a cache line,
/// under the sequence lock its bucket's index keeps for it (<see cref="LbFlowIndex.Seq"/>); bucket
/// <c>b</c>'s slots are entries <c>b * 7</c> to <c>b * 7 + 6</c>. A slot whose key's family is
/// <see cref="LbFamily.None"/> is free.
/// </summary>
[BpfAbi("lb_flow_slot"), StructLayout(LayoutKind.Sequential)]
public struct LbFlowSlot
{
    /// <summary>The 5-tuple the slot holds.</summary>
    public LbFlowKey Key;

    /// <summary>Where that flow is pinned.</summary>
    public LbFlow Flow;

    /// <summary>Zero.</summary>
    public ulong Pad;
}
