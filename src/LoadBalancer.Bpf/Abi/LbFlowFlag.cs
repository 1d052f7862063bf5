namespace LoadBalancer.Bpf.Abi;

/// <summary>Mirrors <c>enum lb_flow_flag</c>: bits of <see cref="LbFlow.Flags"/>.</summary>
[BpfAbi("lb_flow_flag", Prefix = "LB_FLOW_"), Flags]
public enum LbFlowFlag : byte
{
    /// <summary>The client sent FIN or RST: the flow no longer counts in lb_real_flows.</summary>
    Closed = 1,
}
