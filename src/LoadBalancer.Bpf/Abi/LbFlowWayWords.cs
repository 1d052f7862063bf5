namespace LoadBalancer.Bpf.Abi;

/// <summary>The C <c>__u32 x[LB_FLOW_WAYS]</c> of <see cref="LbFlowIndex"/>: one word per slot.</summary>
[System.Runtime.CompilerServices.InlineArray((int)LbAbi.FlowWays)]
public struct LbFlowWayWords
{
    private uint _element0;
}
