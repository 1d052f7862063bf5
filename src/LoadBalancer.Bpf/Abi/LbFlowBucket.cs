namespace LoadBalancer.Bpf.Abi;

/// <summary>Mirrors <c>struct lb_flow_bucket</c>: the value of lb_flows, the slots one flow hash selects.</summary>
[BpfAbi("lb_flow_bucket"), StructLayout(LayoutKind.Sequential)]
public struct LbFlowBucket
{
    /// <summary>The <see cref="LbAbi.FlowWays"/> slots.</summary>
    public LbFlowSlots Slot;
}

