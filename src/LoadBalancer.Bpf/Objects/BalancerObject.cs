using LoadBalancer.Bpf.Abi;
using LoadBalancer.Bpf.Maps;
using LoadBalancer.Bpf.Programs;

namespace LoadBalancer.Bpf.Objects;

/// <summary>
/// The loaded balancer (balancer.bpf.o): lb_xdp_ingress and typed handles on each of its maps.
/// Every name below is the one in bpf/include/lb_maps.h.
/// </summary>
public sealed unsafe class BalancerObject : IDisposable
{
    /// <summary>The program's function name.</summary>
    public const string ProgramName = "lb_xdp_ingress";

    private const string ConfigSection = ".rodata.config";
    private const string ConfigFile = "config";

    private BalancerObject(LbConfig config, Func<BpfMap> configMap, Func<BpfProgram> program, Func<string, BpfMap> map)
    {
        Config = config;
        var opened = new List<IDisposable>();
        T Take<T>(T handle)
            where T : IDisposable
        {
            opened.Add(handle);
            return handle;
        }
        try
        {
            ConfigMap = Take(configMap());
            Program = Take(program());
            Vips = Take(new BpfMap<LbVipKey, LbVip>(Take(map("lb_vips"))));
            VipFilter = Take(new BpfMap<uint, ulong>(Take(map("lb_vip_filter"))));
            TxPorts = Take(new BpfMap<uint, uint>(Take(map("lb_tx_ports"))));
            Nexthops = Take(new PerCpuMap<uint, LbNexthop>(Take(map("lb_nexthops"))));
            Reals = Take(new BpfMap<uint, LbReal>(Take(map("lb_reals"))));
            Rings = Take(new MapOfMaps(Take(map("lb_rings"))));
            Schedules = Take(new MapOfMaps(Take(map("lb_schedules"))));
            RrCursors = Take(new PerCpuMap<uint, uint>(Take(map("lb_rr_cursors"))));
            RealFlows = Take(new BpfMap<uint, long>(Take(map("lb_real_flows"))));
            FlowIndex = Take(new MappedArray<LbFlowIndex>(Take(map("lb_flow_index"))));
            FlowSlots = Take(new MappedArray<LbFlowSlot>(Take(map("lb_flows"))));
            VipStats = Take(new PerCpuMap<uint, LbStats>(Take(map("lb_vip_stats"))));
            RealStats = Take(new PerCpuMap<uint, LbStats>(Take(map("lb_real_stats"))));
            ReasonStats = Take(new PerCpuMap<uint, LbCounter>(Take(map("lb_reason_stats"))));
        }
        catch
        {
            opened.ForEach(h => h.Dispose());
            throw;
        }
    }

    /// <summary>The load-time configuration the program was verified with.</summary>
    public LbConfig Config { get; }

    /// <summary>lb_xdp_ingress.</summary>
    public BpfProgram Program { get; }

    /// <summary>The frozen .rodata.config map holding <see cref="Config"/>.</summary>
    public BpfMap ConfigMap { get; }

    /// <summary>lb_vips: VIP key → VIP id.</summary>
    public BpfMap<LbVipKey, LbVip> Vips { get; }

    /// <summary>lb_vip_filter: bitmap word → 64 bits of possible VIP addresses.</summary>
    public BpfMap<uint, ulong> VipFilter { get; }

    /// <summary>lb_tx_ports: devices packets may be redirected to (ifindex → ifindex, in the data plane's namespace).</summary>
    public BpfMap<uint, uint> TxPorts { get; }

    /// <summary>lb_nexthops: backend id → per-CPU cached next hop.</summary>
    public PerCpuMap<uint, LbNexthop> Nexthops { get; }

    /// <summary>lb_reals: backend id → address.</summary>
    public BpfMap<uint, LbReal> Reals { get; }

    /// <summary>lb_rings: VIP id → Maglev ring (inner array of <see cref="LbRingLine"/>, see <see cref="RingLines"/>).</summary>
    public MapOfMaps Rings { get; }

    /// <summary>lb_schedules: VIP id → rr/wrr/lc/wlc list (inner array: count, then backend ids).</summary>
    public MapOfMaps Schedules { get; }

    /// <summary>lb_rr_cursors: VIP id → per-CPU position in its rr/wrr list.</summary>
    public PerCpuMap<uint, uint> RrCursors { get; }

    /// <summary>lb_real_flows: backend id → active (placed, unclosed) flows.</summary>
    public BpfMap<uint, long> RealFlows { get; }

    /// <summary>lb_flow_index, mapped into this process: flow hash bucket → the index line of its slots (see LoadBalancer.ControlPlane's FlowTable).</summary>
    public MappedArray<LbFlowIndex> FlowIndex { get; }

    /// <summary>lb_flows, mapped into this process: the slots, <see cref="LbAbi.FlowWays"/> per bucket, of 5-tuple and pinned backend.</summary>
    public MappedArray<LbFlowSlot> FlowSlots { get; }

    /// <summary>lb_vip_stats: VIP id → per-CPU traffic.</summary>
    public PerCpuMap<uint, LbStats> VipStats { get; }

    /// <summary>lb_real_stats: backend id → per-CPU traffic.</summary>
    public PerCpuMap<uint, LbStats> RealStats { get; }

    /// <summary>lb_reason_stats: <see cref="LbReason"/> → per-CPU counter.</summary>
    public PerCpuMap<uint, LbCounter> ReasonStats { get; }

    /// <summary>Opens the embedded balancer.bpf.o, applies <paramref name="config"/> and <paramref name="sizes"/>, and loads it.</summary>
    /// <exception cref="BpfException">libbpf or the verifier refused; the message says which and why.</exception>
    public static BalancerObject Load(LbConfig config, BalancerMapSizes sizes)
    {
        if (config.AbiVersion != (uint)LbAbi.Version)
        {
            throw new ArgumentException($"config carries ABI version {config.AbiVersion}, this build speaks {(uint)LbAbi.Version}", nameof(config));
        }
        using var obj = BpfObject.Open(EmbeddedObject.Read(EmbeddedObject.Balancer), EmbeddedObject.Balancer);
        using var ringTemplate = CreateRing(config.RingSize);
        using var listTemplate = CreateList(config.RingSize);
        config.FlowBucketMask = sizes.FlowBuckets - 1;
        obj.SetSectionData(ConfigSection, config);
        obj.SetMaxEntries("lb_vips", 2 * sizes.MaxVips); // each VIP, plus one address marker per VIP address
        obj.SetMaxEntries("lb_rings", sizes.MaxVips);
        obj.SetInnerMapTemplate("lb_rings", ringTemplate.Map);
        obj.SetMaxEntries("lb_schedules", sizes.MaxVips);
        obj.SetInnerMapTemplate("lb_schedules", listTemplate.Map);
        obj.SetMaxEntries("lb_rr_cursors", sizes.MaxVips);
        obj.SetMaxEntries("lb_real_flows", sizes.MaxReals);
        obj.SetMaxEntries("lb_vip_stats", sizes.MaxVips);
        obj.SetMaxEntries("lb_reals", sizes.MaxReals);
        obj.SetMaxEntries("lb_real_stats", sizes.MaxReals);
        obj.SetMaxEntries("lb_nexthops", sizes.MaxReals);
        obj.SetMaxEntries("lb_flow_index", sizes.FlowBuckets);
        obj.SetMaxEntries("lb_flows", sizes.FlowBuckets * (uint)LbAbi.FlowWays);
        obj.Load();
        return new BalancerObject(config, () => obj.Map(ConfigSection), () => obj.Program(ProgramName), obj.Map);
    }

    /// <summary>
    /// Opens a data plane that <see cref="Pin"/> left under <paramref name="directory"/>, to carry on
    /// with the same program and maps (flows, counters and all).
    /// </summary>
    /// <exception cref="InvalidDataException">The pins are from another ABI version.</exception>
    public static BalancerObject OpenPinned(string directory)
    {
        var configMap = BpfMap.OpenPinned(Path.Combine(directory, ConfigFile));
        try
        {
            if (configMap.ValueSize != sizeof(LbConfig))
            {
                throw new InvalidDataException($"the data plane pinned at {directory} has a {configMap.ValueSize}-byte lb_config, this build a {sizeof(LbConfig)}-byte one: another ABI version");
            }
            if (!new BpfMap<uint, LbConfig>(configMap).TryLookup(0, out var value))
            {
                throw new InvalidDataException($"the data plane pinned at {directory} has no lb_config");
            }
            if (value.AbiVersion != (uint)LbAbi.Version)
            {
                throw new InvalidDataException($"the data plane pinned at {directory} speaks ABI version {value.AbiVersion}, this build {(uint)LbAbi.Version}; to replace it, run `lbd detach` (forwarding stops and the flow table is dropped), then start lbd");
            }
            return new BalancerObject(
                value,
                () => configMap,
                () => BpfProgram.OpenPinned(Path.Combine(directory, ProgramName), ProgramName),
                name => BpfMap.OpenPinned(Path.Combine(directory, name)));
        }
        catch
        {
            configMap.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Pins the program and every map under <paramref name="directory"/> (on bpffs), one file each
    /// named as in lb_maps.h, the program as <see cref="ProgramName"/> and the configuration as <c>config</c>.
    /// </summary>
    public void Pin(string directory)
    {
        Directory.CreateDirectory(directory);
        Program.Pin(Path.Combine(directory, ProgramName));
        ConfigMap.Pin(Path.Combine(directory, ConfigFile));
        foreach (var map in new[] { Vips.Map, VipFilter.Map, TxPorts.Map, Reals.Map, Rings.Map, Schedules.Map, RrCursors.Map, RealFlows.Map, Nexthops.Map, FlowIndex.Map, FlowSlots.Map, VipStats.Map, RealStats.Map, ReasonStats.Map })
        {
            map.Pin(Path.Combine(directory, map.Name));
        }
    }

    /// <summary>A new, empty Maglev ring of the size this program expects, for <see cref="Rings"/> (laid out as <see cref="RingLines"/> says).</summary>
    public BpfMap<uint, LbRingLine> CreateRing() => CreateRing(Config.RingSize);

    /// <summary>A new, empty backend list of the size this program expects, for <see cref="Schedules"/>.</summary>
    public BpfMap<uint, uint> CreateList() => CreateList(Config.RingSize);

    private static BpfMap<uint, LbRingLine> CreateRing(uint ringSize)
        => new(BpfMap.CreateArray("lb_ring", sizeof(LbRingLine), RingLines.Count(ringSize)));

    private static BpfMap<uint, uint> CreateList(uint ringSize)
        => new(BpfMap.CreateArray("lb_list", sizeof(uint), ringSize));

    /// <inheritdoc/>
    public void Dispose()
    {
        Program.Dispose();
        ConfigMap.Dispose();
        Vips.Dispose();
        VipFilter.Dispose();
        TxPorts.Dispose();
        Nexthops.Dispose();
        Reals.Dispose();
        Rings.Dispose();
        Schedules.Dispose();
        RrCursors.Dispose();
        RealFlows.Dispose();
        FlowIndex.Dispose();
        FlowSlots.Dispose();
        VipStats.Dispose();
        RealStats.Dispose();
        ReasonStats.Dispose();
    }
}
