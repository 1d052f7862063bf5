namespace LoadBalancer.Bpf.Abi;

/// <summary>The C <c>struct lb_flow_slot slot[LB_FLOW_WAYS]</c> of <see cref="LbFlowBucket"/>.</summary>
[System.Runtime.CompilerServices.InlineArray((int)LbAbi.FlowWays)]
public struct LbFlowSlots
{
    private LbFlowSlot _element0;
}
