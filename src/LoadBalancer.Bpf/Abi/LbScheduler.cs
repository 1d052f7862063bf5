namespace LoadBalancer.Bpf.Abi;

/// <summary>Mirrors <c>enum lb_scheduler</c>: how a VIP places a flow the table does not know (<see cref="LbVip.Scheduler"/>).</summary>
[BpfAbi("lb_scheduler", Prefix = "LB_SCHED_")]
public enum LbScheduler : byte
{
    /// <summary>The VIP's Maglev ring at hash(5-tuple) % ring_size.</summary>
    Maglev = 0,

    /// <summary>The VIP's Maglev ring at hash(client address) % ring_size.</summary>
    MaglevSrc,

    /// <summary>The VIP's list in lb_schedules at a per-CPU cursor; each backend once.</summary>
    Rr,

    /// <summary>The VIP's list in lb_schedules at a per-CPU cursor; a smooth weighted period.</summary>
    Wrr,

    /// <summary>The listed backend with the fewest active flows (lb_real_flows).</summary>
    Lc,

    /// <summary>The listed backend with the fewest active flows per unit of weight.</summary>
    Wlc,

    /// <summary>LB_SCHED_COUNT: the number of schedulers.</summary>
    [BpfName("LB_SCHED_COUNT")]
    Count,
}
