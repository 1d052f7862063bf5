namespace LoadBalancer.Core.Model;

/// <summary>
/// How a VIP places a flow its flow table does not know yet. Values are <c>enum lb_scheduler</c>
/// (bpf/include/lb_abi.h), written into <c>lb_vip.scheduler</c>; names, meanings and properties
/// are in <see cref="Schedulers"/>.
/// </summary>
public enum Scheduler : byte
{
    /// <summary>Maglev ring indexed by the hash of the 5-tuple (LB_SCHED_MAGLEV).</summary>
    Maglev = 0,

    /// <summary>Maglev ring indexed by the hash of the client address only (LB_SCHED_MAGLEV_SRC).</summary>
    MaglevSrc = 1,

    /// <summary>Round robin over the eligible backends (LB_SCHED_RR).</summary>
    Rr = 2,

    /// <summary>Smooth weighted round robin (LB_SCHED_WRR).</summary>
    Wrr = 3,

    /// <summary>Fewest active flows (LB_SCHED_LC).</summary>
    Lc = 4,

    /// <summary>Fewest active flows per unit of weight (LB_SCHED_WLC).</summary>
    Wlc = 5,
}
