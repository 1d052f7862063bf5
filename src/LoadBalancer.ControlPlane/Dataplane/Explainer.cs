using System.Net;
using System.Net.Sockets;
using LoadBalancer.Bpf.Abi;
using LoadBalancer.Bpf.Objects;
using LoadBalancer.Bpf.Programs;
using LoadBalancer.Core.Api;
using LoadBalancer.Core.Hashing;
using LoadBalancer.Core.Model;

namespace LoadBalancer.ControlPlane.Dataplane;

/// <summary>
/// Says how the data plane places one flow, read from the live maps, not from the plan: the VIP
/// entry it matches, the flow hash, what the VIP's scheduler would give it as a new flow and why
/// (<see cref="Placement"/>), the flow-table entry, and so where the next packet goes and why
/// (lbctl explain, lbctl flows).
/// </summary>
public static class Explainer
{
    /// <summary>Explains the flow from <paramref name="client"/>:<paramref name="clientPort"/> to <paramref name="target"/> (its address, port and protocol as sent).</summary>
    public static ExplainResponse Explain(BalancerObject balancer, IPAddress client, ushort clientPort, VipKey target)
    {
        var tuple = new FlowTuple(client, clientPort, target.Address, target.Port, target.Protocol);
        var flowText = Describe(tuple);
        if (client.AddressFamily != target.Address.AddressFamily)
        {
            return new ExplainResponse(flowText, null, "none", null, null, null, null, null, null, null, "the client and the VIP are of different address families", null);
        }
        var (vipKey, vip, match) = MatchVip(balancer, target);
        if (vip is null)
        {
            var why = match == "unserved"
                ? $"{target.Address} is a VIP address but no VIP takes {target.Protocol.ToString().ToLowerInvariant()} port {target.Port}: dropped (drop_vip_unserved)"
                : $"{target.Address} is no VIP address: passed to the kernel untouched (pass_not_vip)";
            return new ExplainResponse(flowText, null, match, null, null, null, null, null, null, null, why, null);
        }
        var hash = FlowHash.Compute(tuple, balancer.Config.HashSeed);
        var placement = Placement.Of(balancer, vip.Value, tuple, hash);
        var scheduled = placement.Backend?.ToString();
        var entry = Lookup(balancer, tuple);
        string? backend;
        string reason;
        if (entry.Live)
        {
            backend = entry.Backend;
            reason = backend == scheduled
                ? "pinned by its flow entry, to the backend the scheduler would pick now too"
                : $"pinned by its flow entry to {backend}; the scheduler would now pick {scheduled ?? "nothing"}, which only a new connection (SYN) or an entry past its idle timeout would follow";
        }
        else
        {
            backend = scheduled;
            reason = scheduled is null
                ? "the scheduler has no backend for it (no backend takes new flows): dropped (drop_no_real)"
                : entry.Found ? "its flow entry is stale (idle past its timeout, or its backend is gone): placed by the scheduler" : "no flow entry: placed by the scheduler, and the first packet pins it";
        }
        var outer = backend is null ? null : OuterSource(balancer, IPAddress.Parse(backend), hash);
        return new ExplainResponse(flowText, vipKey!.Value.ToString(), match, Schedulers.Name(placement.Scheduler), hash, placement.RingSlot, scheduled,
            placement.How, entry.Found ? entry : null, backend, reason, outer?.ToString());
    }

    /// <summary>The flow-table entry of <paramref name="tuple"/>, and whether the data plane would still honour it.</summary>
    public static FlowEntry Lookup(BalancerObject balancer, FlowTuple tuple)
    {
        if (!new FlowTable(balancer).TryLookup(tuple, out var flow))
        {
            return new FlowEntry(Describe(tuple), false, null, null, null, false);
        }
        var now = KernelClock.MonotonicCoarseNs;
        var backend = BackendAddress(balancer, flow.RealId);
        var vip = DataplaneIds.VipsById(balancer).TryGetValue(flow.VipId, out var key) ? key.ToString() : null;
        var idle = Math.Max(0, FlowLiveness.IdleNs(flow, now) / 1e9);
        return new FlowEntry(Describe(tuple), true, backend?.ToString(), vip, Math.Round(idle, 1),
            backend is not null && FlowLiveness.IsLive(balancer.Config, (byte)tuple.Protocol, flow, now));
    }

    private static (VipKey? Key, LbVip? Vip, string Match) MatchVip(BalancerObject balancer, VipKey target)
    {
        if (balancer.Vips.TryLookup(target.ToAbi(), out var exact))
        {
            return (target, exact, "exact");
        }
        var wildcard = target with { Port = 0 };
        if (balancer.Vips.TryLookup(wildcard.ToAbi(), out var any))
        {
            return (wildcard, any, "wildcard");
        }
        return (null, null, balancer.Vips.TryLookup(AbiConvert.AddressMarker(target.Address), out _) ? "unserved" : "none");
    }

    private static IPAddress? BackendAddress(BalancerObject balancer, uint id)
        => id != 0 && balancer.Reals.TryLookup(id, out var real) && real.Family != LbFamily.None ? real.Addr.ToAddress(real.Family) : null;

    private static IPAddress OuterSource(BalancerObject balancer, IPAddress backend, uint hash)
        => LoadConfigFactory.OuterSource(balancer.Config, backend.AddressFamily == AddressFamily.InterNetworkV6, hash);

    private static string Describe(FlowTuple tuple)
    {
        var client = AddressText.Host(tuple.Source);
        return $"{client}:{tuple.SourcePort} -> {new VipKey(tuple.Destination, tuple.DestinationPort, tuple.Protocol)}";
    }
}
