using LoadBalancer.Bpf.Interop;

namespace LoadBalancer.Bpf.Maps;

/// <summary>Typed read access to a per-CPU map: one value per possible CPU.</summary>
public sealed unsafe class PerCpuMap<TKey, TValue> : IDisposable
    where TKey : unmanaged
    where TValue : unmanaged
{
    private static readonly int s_possibleCpus = BpfMap.PossibleCpus;
    private static readonly int s_stride = BpfMap.PerCpuStride(sizeof(TValue));

    /// <summary>Wraps <paramref name="map"/> after checking that it is per-CPU with these sizes.</summary>
    public PerCpuMap(BpfMap map)
    {
        if (!map.IsPerCpu)
        {
            throw new InvalidOperationException($"map {map.Name} is not a per-CPU map");
        }
        map.ExpectSizes(sizeof(TKey), sizeof(TValue), typeof(TKey), typeof(TValue));
        Map = map;
    }

    /// <summary>The underlying map.</summary>
    public BpfMap Map { get; }

    /// <summary>The number of values per key.</summary>
    public static int PossibleCpus => s_possibleCpus;

    /// <summary>The value of every possible CPU for <paramref name="key"/>; empty if there is no entry.</summary>
    public TValue[] Lookup(in TKey key)
    {
        var buffer = new byte[s_stride * s_possibleCpus];
        fixed (TKey* k = &key)
        fixed (byte* b = buffer)
        {
            if (!Map.Lookup(k, b))
            {
                return [];
            }
            var values = new TValue[s_possibleCpus];
            for (var cpu = 0; cpu < values.Length; cpu++)
            {
                values[cpu] = *(TValue*)(b + (cpu * s_stride));
            }
            return values;
        }
    }

    /// <summary>Sets the value of every CPU for <paramref name="key"/> to <paramref name="value"/>.</summary>
    public void Fill(in TKey key, in TValue value)
    {
        var buffer = new byte[s_stride * s_possibleCpus];
        fixed (TKey* k = &key)
        fixed (byte* b = buffer)
        {
            for (var cpu = 0; cpu < s_possibleCpus; cpu++)
            {
                *(TValue*)(b + (cpu * s_stride)) = value;
            }
            Map.Update(k, b, MapUpdate.Any);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => Map.Dispose();
}
