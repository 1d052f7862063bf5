using LoadBalancer.Bpf.Abi;
using LoadBalancer.Bpf.Maps;
using LoadBalancer.Bpf.Programs;

namespace LoadBalancer.Bpf.Objects;

/// <summary>The loaded backend-side decapsulator (decap.bpf.o).</summary>
public sealed class DecapObject : IDisposable
{
    /// <summary>The program's function name.</summary>
    public const string ProgramName = "lb_xdp_decap";

    private DecapObject(BpfObject obj)
    {
        Program = obj.Program(ProgramName);
        Stats = new(obj.Map("lb_decap_stats"));
    }

    /// <summary>lb_xdp_decap.</summary>
    public BpfProgram Program { get; }

    /// <summary>lb_decap_stats: <see cref="LbDecapReason"/> → per-CPU counter.</summary>
    public PerCpuMap<uint, LbCounter> Stats { get; }

    /// <summary>Opens and loads the embedded decap.bpf.o, with <paramref name="config"/> or the object's defaults.</summary>
    public static DecapObject Load(LbDecapConfig? config = null)
    {
        using var obj = BpfObject.Open(EmbeddedObject.Read(EmbeddedObject.Decap), EmbeddedObject.Decap);
        if (config is { } c)
        {
            obj.SetSectionData(".rodata.config", c);
        }
        obj.Load();
        return new DecapObject(obj);
    }

    /// <summary>The configuration compiled into decap.bpf.o, which iproute2 loads unchanged.</summary>
    public static LbDecapConfig DefaultConfig()
    {
        using var obj = BpfObject.Open(EmbeddedObject.Read(EmbeddedObject.Decap), EmbeddedObject.Decap);
        return obj.GetSectionData<LbDecapConfig>(".rodata.config");
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Program.Dispose();
        Stats.Dispose();
    }
}
