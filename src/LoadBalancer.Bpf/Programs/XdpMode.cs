namespace LoadBalancer.Bpf.Programs;

/// <summary>Where an XDP program runs.</summary>
public enum XdpMode
{
    /// <summary>In the driver, before an skb exists (veth supports it).</summary>
    Native,

    /// <summary>In the generic hook after skb allocation: slower, works on any device.</summary>
    Generic,
}
