using System.Runtime.CompilerServices;
using LoadBalancer.Bpf.Abi;
using LoadBalancer.Bpf.Maps;
using LoadBalancer.Bpf.Objects;
using LoadBalancer.Core.Hashing;
using LoadBalancer.Core.Model;

namespace LoadBalancer.ControlPlane.Dataplane;

/// <summary>
/// The data plane's flow table (lb_flow_index and lb_flows, bpf/include/lb_flow.h) as the control
/// plane sees it, through the maps' memory: a flow lives in one of the <see cref="LbAbi.FlowWays"/>
/// slots of the bucket its flow hash selects. Every access follows the slots' sequence locks, one
/// byte each in the bucket's index line (<see cref="LbFlowIndex.Seq"/>): a read keeps a slot only if its byte
/// was even before and unchanged after the copy, and a write takes the slot with a
/// compare-and-swap of the index's lock word, its byte from the even value it read to odd, so the
/// data plane never sees half an entry and this side never acts on one. A write also keeps the
/// slot's tag and stamp in the index, which the data plane reads before any slot.
/// </summary>
public sealed class FlowTable
{
    private const int Attempts = 64;

    private const uint Ways = (uint)LbAbi.FlowWays;
    private const ulong OddBytes = 0x0101010101010101;

    private readonly MappedArray<LbFlowIndex> _index;
    private readonly MappedArray<LbFlowSlot> _slots;
    private readonly uint _mask;
    private readonly uint _seed;

    /// <summary>The table of <paramref name="balancer"/>.</summary>
    public FlowTable(BalancerObject balancer)
    {
        _index = balancer.FlowIndex;
        _slots = balancer.FlowSlots;
        _mask = balancer.Config.FlowBucketMask;
        _seed = balancer.Config.HashSeed;
        if (_mask + 1 != _index.Length || _slots.Length != _index.Length * Ways)
        {
            throw new InvalidOperationException($"lb_flow_index has {_index.Length} buckets and lb_flows {_slots.Length} slots, but the program indexes {_mask + 1} buckets of {Ways}");
        }
    }

    /// <summary>Slots in all: how many flows the table can hold.</summary>
    public uint Capacity => _slots.Length;

    /// <summary>The entry of <paramref name="flow"/>, live or not; false if its bucket holds none.</summary>
    public bool TryLookup(in FlowTuple flow, out LbFlow entry)
    {
        var key = flow.ToAbi();
        var bucket = FlowHash.Compute(flow, _seed) & _mask;
        for (var way = 0; way < (int)Ways; way++)
        {
            if (Read(bucket, way, out var seen, out _) && Same(seen.Key, key))
            {
                entry = seen.Flow;
                return true;
            }
        }
        entry = default;
        return false;
    }

    /// <summary>
    /// Writes <paramref name="entry"/> for <paramref name="flow"/>: into the slot holding it, else a free
    /// one of its bucket. For tests and repairs; the data plane places flows itself.
    /// </summary>
    /// <exception cref="InvalidOperationException">The bucket has neither (all its slots hold other flows).</exception>
    public void Write(in FlowTuple flow, in LbFlow entry)
    {
        var key = flow.ToAbi();
        var hash = FlowHash.Compute(flow, _seed);
        var bucket = hash & _mask;
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var target = -1;
            var targetSeq = (byte)0;
            for (var way = 0; way < (int)Ways; way++)
            {
                if (!Read(bucket, way, out var seen, out var seq))
                {
                    continue;
                }
                if (Same(seen.Key, key))
                {
                    (target, targetSeq) = (way, seq);
                    break;
                }
                if (target < 0 && seen.Key.Family == LbFamily.None)
                {
                    (target, targetSeq) = (way, seq);
                }
            }
            if (target < 0)
            {
                throw new InvalidOperationException($"the flow table has no slot for {flow}: its bucket holds {(int)LbAbi.FlowWays} other flows");
            }
            if (TryReplace(bucket, target, targetSeq, new LbFlowSlot { Key = key, Flow = entry }, TagOf(hash, flow.Protocol)))
            {
                return;
            }
        }
        throw new InvalidOperationException($"the flow table slot for {flow} stayed busy");
    }

    /// <summary>
    /// Calls <paramref name="visit"/> with every entry, live or not; entries written meanwhile may or may not be seen.
    /// Only the slots whose index tag says taken are read.
    /// </summary>
    public void Scan(Action<LbFlowKey, LbFlow> visit)
    {
        for (var bucket = 0u; bucket < _index.Length; bucket++)
        {
            for (var way = 0; way < (int)Ways; way++)
            {
                if (Taken(bucket, way) && Read(bucket, way, out var seen, out _) && seen.Key.Family != LbFamily.None)
                {
                    visit(seen.Key, seen.Flow);
                }
            }
        }
    }

    /// <summary>
    /// Entries in the table, live or not: the slots whose index tag says taken, read without the lock (a count, not
    /// a copy), from the index alone: an eighth of the table's memory.
    /// </summary>
    public long Count()
    {
        var count = 0L;
        for (var bucket = 0u; bucket < _index.Length; bucket++)
        {
            for (var way = 0; way < (int)Ways; way++)
            {
                if (Taken(bucket, way))
                {
                    count++;
                }
            }
        }
        return count;
    }

    /// <summary>Frees every slot whose entry <paramref name="doomed"/> picks; returns how many it freed.</summary>
    public int RemoveWhere(Func<LbFlowKey, LbFlow, bool> doomed)
    {
        var removed = 0;
        for (var bucket = 0u; bucket < _index.Length; bucket++)
        {
            for (var way = 0; way < (int)Ways; way++)
            {
                for (var attempt = 0; attempt < Attempts && Taken(bucket, way); attempt++)
                {
                    if (!Read(bucket, way, out var seen, out var seq) || seen.Key.Family == LbFamily.None || !doomed(seen.Key, seen.Flow))
                    {
                        break;
                    }
                    if (TryReplace(bucket, way, seq, default, 0))
                    {
                        removed++;
                        break;
                    }
                }
            }
        }
        return removed;
    }

    /// <summary>
    /// Frees the slots a writer died holding (an lbd killed between its claim and its release): lock bytes odd now
    /// and still the same after <paramref name="settle"/>, where the data plane holds one for nanoseconds. Nobody
    /// else can claim a held slot, so this side takes the dead writer's place: it empties the slot, then releases it.
    /// The data plane never places a flow in a held slot (lb_flow.h), but skips its entry. Returns how many it freed.
    /// </summary>
    public int ReleaseAbandoned(TimeSpan settle)
    {
        var held = new List<(uint Bucket, int Way, byte Seq)>();
        for (var bucket = 0u; bucket < _index.Length; bucket++)
        {
            var seqs = Volatile.Read(ref _index[bucket].Seq);
            for (var way = 0; way < (int)Ways && (seqs & OddBytes) != 0; way++)
            {
                if (((seqs >> (8 * way)) & 1) != 0)
                {
                    held.Add((bucket, way, (byte)(seqs >> (8 * way))));
                }
            }
        }
        if (held.Count == 0)
        {
            return 0;
        }
        Thread.Sleep(settle);
        var freed = 0;
        foreach (var (bucket, way, seq) in held)
        {
            if (Volatile.Read(ref SeqOf(ref _index[bucket], way)) != seq)
            {
                continue; // a live writer, done meanwhile
            }
            FillAndRelease(bucket, way, seq, default, 0);
            freed++;
        }
        return freed;
    }

    /// <summary>The index tag the data plane gives <paramref name="flow"/> (lb_flow.h, <c>flow_tag</c>).</summary>
    public static uint TagOf(in FlowTuple flow, uint seed) => TagOf(FlowHash.Compute(flow, seed), flow.Protocol);

    /// <summary>The index stamp of access time <paramref name="atimeNs"/> (lb_flow.h, <c>flow_stamp</c>), with the closed bit from <paramref name="flags"/>.</summary>
    public static uint StampOf(ulong atimeNs, LbFlowFlag flags)
        => ((uint)(atimeNs >> 20) & ~(uint)LbFlowStampBit.Closed) | ((flags & LbFlowFlag.Closed) != 0 ? (uint)LbFlowStampBit.Closed : 0);

    private static uint TagOf(uint hash, L4Protocol protocol)
        => (hash & ~3u) | (uint)LbFlowTagBit.Taken | (protocol == L4Protocol.Udp ? (uint)LbFlowTagBit.Udp : 0);

    private static bool Same(in LbFlowKey a, in LbFlowKey b) => BytewiseComparer<LbFlowKey>.Instance.Equals(a, b);

    /// <summary>Slot <paramref name="way"/>'s sequence number: its byte of the index's lock word.</summary>
    private static ref byte SeqOf(ref LbFlowIndex index, int way)
        => ref Unsafe.Add(ref Unsafe.As<ulong, byte>(ref index.Seq), way);

    /// <summary>Whether the index of <paramref name="bucket"/> tags slot <paramref name="way"/> taken (every writer keeps the tag with the slot).</summary>
    private bool Taken(uint bucket, int way) => _index[bucket].Tag[way] != 0;

    /// <summary>Slot <paramref name="way"/> of <paramref name="bucket"/>.</summary>
    private ref LbFlowSlot Slot(uint bucket, int way) => ref _slots[(bucket * Ways) + (uint)way];

    /// <summary>
    /// A consistent copy of slot <paramref name="way"/> of <paramref name="bucket"/> and the even sequence number it
    /// was copied under; false if a writer kept it busy.
    /// </summary>
    private bool Read(uint bucket, int way, out LbFlowSlot copy, out byte seq)
    {
        ref var lockByte = ref SeqOf(ref _index[bucket], way);
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            seq = Volatile.Read(ref lockByte);
            if (seq == 0)
            {
                copy = default; // never written
                return true;
            }
            if ((seq & 1) == 0)
            {
                copy = Slot(bucket, way);
                Interlocked.MemoryBarrier(); // the copy's loads complete before seq is read again
                if (Volatile.Read(ref lockByte) == seq)
                {
                    return true;
                }
            }
            Thread.SpinWait(1);
        }
        (copy, seq) = (default, 0);
        return false;
    }

    /// <summary>
    /// Writes <paramref name="value"/>'s key and flow into slot <paramref name="way"/> of <paramref name="bucket"/>, and
    /// <paramref name="tag"/> (0: free) and the flow's stamp into the index, if the slot still has sequence number
    /// <paramref name="seq"/>; false if a writer came first. Other slots' writers only delay the claim.
    /// </summary>
    private bool TryReplace(uint bucket, int way, byte seq, LbFlowSlot value, uint tag)
    {
        ref var index = ref _index[bucket];
        var shift = 8 * way;
        for (var attempt = 0; ; attempt++)
        {
            var seqs = Volatile.Read(ref index.Seq);
            if ((byte)(seqs >> shift) != seq || attempt == Attempts)
            {
                return false;
            }
            if (Interlocked.CompareExchange(ref index.Seq, seqs + (1UL << shift), seqs) == seqs)
            {
                break;
            }
        }
        FillAndRelease(bucket, way, (byte)(seq + 1), value, tag);
        return true;
    }

    /// <summary>
    /// In slot <paramref name="way"/> of <paramref name="bucket"/>, held with sequence number <paramref name="held"/>
    /// (odd): writes <paramref name="value"/>'s key and flow, and <paramref name="tag"/> (0: free) and the flow's stamp
    /// into the index, then releases the slot after those stores.
    /// </summary>
    private void FillAndRelease(uint bucket, int way, byte held, LbFlowSlot value, uint tag)
    {
        ref var index = ref _index[bucket];
        ref var slot = ref Slot(bucket, way);
        slot.Key = value.Key;
        slot.Flow = value.Flow;
        index.Tag[way] = tag;
        index.Stamp[way] = tag == 0 ? 0 : StampOf(value.Flow.AtimeNs, value.Flow.Flags);
        var next = (byte)(held + 1);
        Volatile.Write(ref SeqOf(ref index, way), next == 0 ? (byte)2 : next); // 0 (never written) is skipped when it wraps
    }
}
