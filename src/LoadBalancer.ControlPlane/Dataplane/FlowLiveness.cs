using LoadBalancer.Bpf.Abi;

namespace LoadBalancer.ControlPlane.Dataplane;

/// <summary>The data plane's rule for a flow-table entry (lb_flow.h flow_lookup): honoured while used within its protocol's idle timeout.</summary>
public static class FlowLiveness
{
    /// <summary>Time since the entry was last refreshed, at <paramref name="now"/> (CLOCK_MONOTONIC_COARSE ns); signed, as another CPU may have refreshed it after now was read.</summary>
    public static long IdleNs(in LbFlow flow, ulong now) => (long)(now - flow.AtimeNs);

    /// <summary>The idle timeout of protocol <paramref name="proto"/> (IPPROTO_TCP or IPPROTO_UDP) in ns.</summary>
    public static ulong TimeoutNs(in LbConfig config, byte proto) => proto == (byte)System.Net.Sockets.ProtocolType.Tcp ? config.TcpIdleNs : config.UdpIdleNs;

    /// <summary>Whether the data plane still honours the entry at <paramref name="now"/> (as far as time goes; its backend must exist too).</summary>
    public static bool IsLive(in LbConfig config, byte proto, in LbFlow flow, ulong now) => IdleNs(flow, now) <= (long)TimeoutNs(config, proto);
}
