namespace LoadBalancer.Bpf.Abi;

/// <summary>Mirrors <c>enum lb_flow_flag</c>: bits of <see cref="LbFlow.Flags"/>.</summary>
[BpfAbi("lb_flow_flag", Prefix = "LB_FLOW_"), Flags]
public enum LbFlowFlag : byte
{
    /// <summary>The client sent FIN or RST: the flow no longer counts in lb_real_flows.</summary>
    Closed = 1,

    /// <summary>
    /// TCP only: a client packet with neither SYN nor RST arrived before the flow closed, i.e. the ACK
    /// completing the handshake, which proves the client got the backend's SYN-ACK.
    /// </summary>
    Established = 2,
}
