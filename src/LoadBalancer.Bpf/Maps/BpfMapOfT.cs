using System.Runtime.InteropServices;

namespace LoadBalancer.Bpf.Maps;

/// <summary>Typed access to a hash or array map whose key and value mirror lb_abi.h types.</summary>
public sealed unsafe class BpfMap<TKey, TValue> : IDisposable
    where TKey : unmanaged
    where TValue : unmanaged
{
    /// <summary>Wraps <paramref name="map"/> after checking its key and value sizes.</summary>
    public BpfMap(BpfMap map)
    {
        map.ExpectSizes(sizeof(TKey), sizeof(TValue), typeof(TKey), typeof(TValue));
        Map = map;
    }

    /// <summary>The underlying map.</summary>
    public BpfMap Map { get; }

    /// <summary>Creates or replaces (per <paramref name="flags"/>) the entry for <paramref name="key"/>.</summary>
    public void Update(in TKey key, in TValue value, MapUpdate flags = MapUpdate.Any)
    {
        fixed (TKey* k = &key)
        fixed (TValue* v = &value)
        {
            Map.Update(k, v, flags);
        }
    }

    /// <summary>Reads the entry for <paramref name="key"/>; false if there is none.</summary>
    public bool TryLookup(in TKey key, out TValue value)
    {
        value = default;
        fixed (TKey* k = &key)
        fixed (TValue* v = &value)
        {
            return Map.Lookup(k, v);
        }
    }

    /// <summary>Removes the entry for <paramref name="key"/>; false if there was none.</summary>
    public bool Delete(in TKey key)
    {
        fixed (TKey* k = &key)
        {
            return Map.Delete(k);
        }
    }

    /// <summary>The keys present now (a snapshot; entries may come and go meanwhile).</summary>
    public List<TKey> Keys()
    {
        var keys = new List<TKey>();
        TKey next;
        var more = Map.NextKey(null, &next);
        while (more)
        {
            keys.Add(next);
            var current = next;
            more = Map.NextKey(&current, &next);
        }
        return keys;
    }

    /// <summary>
    /// Calls <paramref name="visit"/> for every entry of a hash map, read in batches (a few syscalls
    /// per 64 Ki entries); entries added or removed meanwhile may or may not be seen.
    /// </summary>
    public void Scan(Action<TKey, TValue> visit)
    {
        if (Map.IsPerCpu)
        {
            throw new InvalidOperationException($"map {Map.Name} is per-CPU: read it through PerCpuMap");
        }
        Map.LookupBatches((keys, values, count) =>
        {
            var k = MemoryMarshal.Cast<byte, TKey>(keys);
            var v = MemoryMarshal.Cast<byte, TValue>(values);
            for (var i = 0; i < count; i++)
            {
                visit(k[i], v[i]);
            }
        });
    }

    /// <summary>Writes all pairs in one syscall (array maps and hash maps alike).</summary>
    public void UpdateBatch(ReadOnlySpan<TKey> keys, ReadOnlySpan<TValue> values)
    {
        if (keys.Length != values.Length)
        {
            throw new ArgumentException("keys and values differ in length");
        }
        if (keys.IsEmpty)
        {
            return;
        }
        fixed (TKey* k = keys)
        fixed (TValue* v = values)
        {
            Map.UpdateBatch(k, v, (uint)keys.Length);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => Map.Dispose();
}
