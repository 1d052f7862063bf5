using LoadBalancer.Bpf.Handles;
using LoadBalancer.Bpf.Interop;

namespace LoadBalancer.Bpf.Maps;

/// <summary>
/// An open BPF map: an owned fd plus what the kernel reports about it (name, id, type, sizes).
/// Typed access goes through <see cref="BpfMap{TKey, TValue}"/>, <see cref="PerCpuMap{TKey, TValue}"/>
/// and <see cref="MapOfMaps"/>, which check the sizes once against the C# mirror types.
/// </summary>
public sealed unsafe class BpfMap : IDisposable
{
    private const int ENOENT = 2;

    private BpfMap(SafeFdHandle handle)
    {
        Handle = handle;
        var info = default(BpfMapInfo);
        var len = (uint)sizeof(BpfMapInfo);
        var rc = Libbpf.bpf_obj_get_info_by_fd(handle.Fd, &info, &len);
        if (rc < 0)
        {
            handle.Dispose();
            throw new BpfException("bpf_obj_get_info_by_fd", $"map fd {handle.Fd}", -rc);
        }
        Name = Marshal.PtrToStringUTF8((nint)info.Name) ?? "";
        Id = info.Id;
        Type = (BpfMapType)info.Type;
        KeySize = (int)info.KeySize;
        ValueSize = (int)info.ValueSize;
        MaxEntries = info.MaxEntries;
        Flags = info.MapFlags;
    }

    /// <summary>The kernel's name for the map (at most 15 characters).</summary>
    public string Name { get; }

    /// <summary>The kernel's id for the map, as bpftool shows it.</summary>
    public uint Id { get; }

    /// <summary>Key size in bytes.</summary>
    public int KeySize { get; }

    /// <summary>Value size in bytes (per CPU, for per-CPU maps).</summary>
    public int ValueSize { get; }

    /// <summary>Capacity.</summary>
    public uint MaxEntries { get; }

    /// <summary>The owned fd.</summary>
    public SafeFdHandle Handle { get; }

    internal BpfMapType Type { get; }

    /// <summary>The map_flags it was created with (BPF_F_*).</summary>
    internal uint Flags { get; }

    /// <summary>CPUs the kernel keeps per-CPU values for.</summary>
    internal static int PossibleCpus { get; } = BpfException.ThrowIfNegative(Libbpf.libbpf_num_possible_cpus(), "libbpf_num_possible_cpus", "/sys/devices/system/cpu/possible");

    /// <summary>The kernel lays per-CPU values out at 8-byte strides.</summary>
    internal static int PerCpuStride(int valueSize) => (valueSize + 7) & ~7;

    internal bool IsPerCpu => Type is BpfMapType.PerCpuArray or BpfMapType.PerCpuHash or BpfMapType.LruPerCpuHash;

    /// <summary>Takes ownership of <paramref name="fd"/>, an open map descriptor.</summary>
    public static BpfMap FromFd(SafeFdHandle fd) => new(fd);

    /// <summary>Opens the map pinned at <paramref name="path"/> on bpffs.</summary>
    public static BpfMap OpenPinned(string path)
        => new(new SafeFdHandle(BpfException.ThrowIfNegative(Libbpf.bpf_obj_get(path), "bpf_obj_get", path)));

    /// <summary>Creates a plain array map (u32 index → <paramref name="valueSize"/> bytes).</summary>
    public static BpfMap CreateArray(string name, int valueSize, uint maxEntries)
    {
        var fd = Libbpf.bpf_map_create((uint)BpfMapType.Array, name, sizeof(uint), (uint)valueSize, maxEntries, null);
        return new(new SafeFdHandle(BpfException.ThrowIfNegative(fd, "bpf_map_create", name)));
    }

    /// <summary>Pins the map at <paramref name="path"/> so it outlives this process.</summary>
    public void Pin(string path)
        => BpfException.ThrowIfNegative(Libbpf.bpf_obj_pin(Handle.Fd, path), "bpf_obj_pin", $"{Name} at {path}");

    /// <summary>Fails with a clear message unless the map has these sizes.</summary>
    internal void ExpectSizes(int keySize, int valueSize, Type keyType, Type valueType)
    {
        if (keySize != KeySize || valueSize != ValueSize)
        {
            throw new InvalidOperationException(
                $"map {Name}: key/value are {KeySize}/{ValueSize} bytes, but {keyType.Name}/{valueType.Name} are {keySize}/{valueSize}");
        }
    }

    internal void Update(void* key, void* value, MapUpdate flags)
        => BpfException.ThrowIfNegative(Libbpf.bpf_map_update_elem(Handle.Fd, key, value, (ulong)flags), "bpf_map_update_elem", Name);

    internal bool Lookup(void* key, void* value) => Found(Libbpf.bpf_map_lookup_elem(Handle.Fd, key, value), "bpf_map_lookup_elem");

    internal bool Delete(void* key) => Found(Libbpf.bpf_map_delete_elem(Handle.Fd, key), "bpf_map_delete_elem");

    internal bool NextKey(void* key, void* nextKey) => Found(Libbpf.bpf_map_get_next_key(Handle.Fd, key, nextKey), "bpf_map_get_next_key");

    /// <summary>
    /// The entries in a hash map now, counted with batched lookups (a few syscalls per 64 Ki
    /// entries) rather than one get_next_key per entry.
    /// </summary>
    public long Count()
    {
        long total = 0;
        LookupBatches((_, _, count) => total += count);
        return total;
    }

    /// <summary>
    /// Reads every entry of a hash map in batches of up to 8192 and hands each batch to
    /// <paramref name="batch"/> as packed keys, values (per-CPU values padded to 8 bytes per CPU)
    /// and their count. Entries added or removed meanwhile may or may not be seen.
    /// </summary>
    internal void LookupBatches(BatchAction batch)
    {
        const int Chunk = 8192;
        var valueStride = IsPerCpu ? PerCpuStride(ValueSize) * PossibleCpus : ValueSize;
        var keys = new byte[Chunk * KeySize];
        var values = new byte[Chunk * valueStride];
        ulong inBatch = 0, outBatch = 0;
        fixed (byte* k = keys)
        fixed (byte* v = values)
        {
            var first = true;
            while (true)
            {
                var count = (uint)Chunk;
                var rc = Libbpf.bpf_map_lookup_batch(Handle.Fd, first ? null : &inBatch, &outBatch, k, v, &count, null);
                if (rc < 0 && rc != -ENOENT)
                {
                    BpfException.ThrowIfNegative(rc, "bpf_map_lookup_batch", Name);
                }
                batch(keys.AsSpan(0, (int)count * KeySize), values.AsSpan(0, (int)count * valueStride), (int)count);
                if (rc == -ENOENT)
                {
                    return;
                }
                inBatch = outBatch;
                first = false;
            }
        }
    }

    /// <summary>One batch of <see cref="LookupBatches"/>.</summary>
    internal delegate void BatchAction(ReadOnlySpan<byte> keys, ReadOnlySpan<byte> values, int count);

    internal void UpdateBatch(void* keys, void* values, uint count)
    {
        var done = count;
        BpfException.ThrowIfNegative(Libbpf.bpf_map_update_batch(Handle.Fd, keys, values, &done, null), "bpf_map_update_batch", Name);
    }

    private bool Found(int rc, string operation)
        => rc == 0 || (rc == -ENOENT ? false : throw new BpfException(operation, Name, -rc));

    /// <inheritdoc/>
    public void Dispose() => Handle.Dispose();

    /// <inheritdoc/>
    public override string ToString() => $"{Name} (id {Id})";
}
