using LoadBalancer.Bpf.Interop;
using Tmds.Linux;

namespace LoadBalancer.Bpf.Maps;

/// <summary>
/// An array map created with BPF_F_MMAPABLE, mapped into this process: its values are read and
/// written in place, shared with the programs using it, without a syscall per access. Whatever
/// the programs and this process both write needs a protocol of its own (atomics, a sequence
/// lock); this class only provides the memory.
/// </summary>
public sealed unsafe class MappedArray<T> : IDisposable
    where T : unmanaged
{
    private const uint BPF_F_MMAPABLE = 1u << 10;

    private readonly nuint _length;
    private T* _values;

    /// <summary>Maps <paramref name="map"/> after checking that it is an mmapable array of <typeparamref name="T"/>; takes ownership of it.</summary>
    /// <exception cref="InvalidOperationException">It is not an mmapable array of values the size of <typeparamref name="T"/>.</exception>
    /// <exception cref="BpfException">mmap failed.</exception>
    public MappedArray(BpfMap map)
    {
        if (map.Type != BpfMapType.Array || (map.Flags & BPF_F_MMAPABLE) == 0)
        {
            throw new InvalidOperationException($"map {map.Name} is not an array created with BPF_F_MMAPABLE");
        }
        map.ExpectSizes(sizeof(uint), sizeof(T), typeof(uint), typeof(T));
        if (sizeof(T) % 8 != 0)
        {
            throw new InvalidOperationException($"map {map.Name}: {typeof(T).Name} is {sizeof(T)} bytes, not a multiple of the kernel's 8-byte stride");
        }
        var page = (nuint)Environment.SystemPageSize;
        _length = ((nuint)sizeof(T) * map.MaxEntries + page - 1) & ~(page - 1);
        var address = LibC.mmap(null, (size_t)(ulong)_length, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_SHARED, map.Handle.Fd, 0);
        if (address == LibC.MAP_FAILED)
        {
            throw new BpfException("mmap", map.Name, LibC.errno);
        }
        _values = (T*)address;
        Map = map;
    }

    /// <summary>The underlying map.</summary>
    public BpfMap Map { get; }

    /// <summary>The number of values.</summary>
    public uint Length => Map.MaxEntries;

    /// <summary>Value <paramref name="index"/>, in the shared memory itself.</summary>
    /// <exception cref="ArgumentOutOfRangeException">It is not below <see cref="Length"/>.</exception>
    /// <exception cref="ObjectDisposedException">The mapping is gone.</exception>
    public ref T this[uint index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Length);
            ObjectDisposedException.ThrowIf(_values is null, this);
            return ref _values[index];
        }
    }

    /// <summary>
    /// Lets the map go. A reader that took a reference before (a scan racing shutdown) must not fault, so the
    /// map's pages are not unmapped but replaced, in one step, by private zero pages that stay mapped for the
    /// rest of the process (address space only: a zero page is shared until written); such a reader then sees
    /// zeros, which every lock here reads as "never written". Should that fail, the map's pages stay mapped.
    /// </summary>
    public void Dispose()
    {
        var values = _values;
        if (values is not null)
        {
            _values = null;
            LibC.mmap(values, (size_t)(ulong)_length, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_PRIVATE | LibC.MAP_ANONYMOUS | LibC.MAP_FIXED, -1, 0);
        }
        Map.Dispose();
    }
}
