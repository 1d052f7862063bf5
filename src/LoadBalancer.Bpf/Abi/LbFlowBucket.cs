namespace LoadBalancer.Bpf.Abi;

/// <summary>Mirrors <c>struct lb_flow_bucket</c>: the value of lb_flows, the index and the slots one flow hash selects (512 bytes).</summary>
[BpfAbi("lb_flow_bucket"), StructLayout(LayoutKind.Sequential)]
public struct LbFlowBucket
{
    /// <summary>Per slot a tag, a stamp and a sequence lock, read before any slot.</summary>
    public LbFlowIndex Index;

    /// <summary>The <see cref="LbAbi.FlowWays"/> slots.</summary>
    public LbFlowSlots Slot;
}
