using System.Text;
using LoadBalancer.Bpf.Handles;
using LoadBalancer.Bpf.Interop;
using LoadBalancer.Bpf.Maps;

namespace LoadBalancer.Bpf.Programs;

/// <summary>
/// A BPF ELF object through its libbpf lifecycle: open → configure (.rodata, map sizes) → load.
/// After load, <see cref="Map"/> and <see cref="Program"/> hand out duplicated fds that outlive
/// this object, so it can be disposed as soon as the needed maps and programs are taken.
/// </summary>
public sealed unsafe class BpfObject : IDisposable
{
    private const int VerifierLogSize = 16 << 20;
    private const int ENOSPC = 28;
    private const int VerifierTailLines = 25;

    private readonly SafeBpfObjectHandle _handle;
    private readonly string _name;
    private bool _loaded;

    private BpfObject(SafeBpfObjectHandle handle, string name)
    {
        _handle = handle;
        _name = name;
    }

    /// <summary>Opens an object from its ELF bytes; <paramref name="name"/> (e.g. <c>balancer.bpf.o</c>) names it in errors.</summary>
    /// <exception cref="UnauthorizedAccessException">The process may not load BPF programs.</exception>
    public static BpfObject Open(ReadOnlySpan<byte> elf, string name)
    {
        BpfPrivileges.Demand();
        var objectName = Encoding.UTF8.GetBytes(name.Split('.')[0] + "\0");
        fixed (byte* e = elf)
        fixed (byte* n = objectName)
        {
            var opts = new BpfObjectOpenOpts { Sz = (nuint)sizeof(BpfObjectOpenOpts), ObjectName = n };
            var obj = Libbpf.bpf_object__open_mem(e, (nuint)elf.Length, &opts);
            return new BpfObject(new SafeBpfObjectHandle(BpfException.ThrowIfNull(obj, "bpf_object__open_mem", name)), name);
        }
    }

    /// <summary>Sets <c>max_entries</c> of <paramref name="map"/>; only before <see cref="Load"/>.</summary>
    public void SetMaxEntries(string map, uint maxEntries)
        => BpfException.ThrowIfNegative(Libbpf.bpf_map__set_max_entries(FindMap(map), maxEntries), "bpf_map__set_max_entries", $"{_name}:{map}");

    /// <summary>
    /// Makes <paramref name="template"/> the inner-map template of map-in-map <paramref name="outerMap"/>
    /// (type, sizes and max_entries every inner map must match); only before <see cref="Load"/>, and
    /// <paramref name="template"/> must stay open until then. libbpf 1.1 cannot resize the template
    /// declared in the object (bpf_map__set_max_entries on bpf_map__inner_map dereferences a NULL
    /// object), so the loader supplies its own.
    /// </summary>
    public void SetInnerMapTemplate(string outerMap, BpfMap template)
        => BpfException.ThrowIfNegative(Libbpf.bpf_map__set_inner_map_fd(FindMap(outerMap), template.Handle.Fd), "bpf_map__set_inner_map_fd", $"{_name}:{outerMap}");

    /// <summary>Sets the whole initial content of data section <paramref name="section"/> (e.g. <c>.rodata.config</c>).</summary>
    public void SetSectionData<T>(string section, in T value)
        where T : unmanaged
    {
        fixed (T* v = &value)
        {
            BpfException.ThrowIfNegative(Libbpf.bpf_map__set_initial_value(FindMap(section), v, (nuint)sizeof(T)), "bpf_map__set_initial_value", $"{_name}:{section}");
        }
    }

    /// <summary>The initial content of data section <paramref name="section"/>, as compiled or as set.</summary>
    public T GetSectionData<T>(string section)
        where T : unmanaged
    {
        nuint size = 0;
        var data = Libbpf.bpf_map__initial_value(FindMap(section), &size);
        if (data is null || size != (nuint)sizeof(T))
        {
            throw new InvalidOperationException($"{_name}: section {section} holds {size} bytes, {typeof(T).Name} is {sizeof(T)}");
        }
        return *(T*)data;
    }

    /// <summary>Creates the maps and loads the programs into the kernel.</summary>
    /// <exception cref="BpfException">The kernel refused; the message carries the verifier's last lines.</exception>
    public void Load()
    {
        // With a log buffer set but log level 0, libbpf asks the kernel for a verifier
        // log only after a failed load and retries into this buffer: success costs nothing.
        var log = (byte*)NativeMemory.AllocZeroed(VerifierLogSize);
        try
        {
            for (var prog = Libbpf.bpf_object__next_program(_handle.DangerousGetHandle(), 0); prog != 0; prog = Libbpf.bpf_object__next_program(_handle.DangerousGetHandle(), prog))
            {
                Libbpf.bpf_program__set_log_buf(prog, log, VerifierLogSize);
            }
            var rc = Libbpf.bpf_object__load(_handle.DangerousGetHandle());
            if (rc < 0)
            {
                var tail = LogTail(log);
                if (rc == -ENOSPC && tail is not null)
                {
                    // Since 6.4 the kernel keeps the log's tail but reports ENOSPC in place of the real error.
                    tail += "\n(the verifier log outgrew its buffer; the kernel then reports ENOSPC instead of the verifier's error)";
                }
                throw new BpfException("bpf_object__load", _name, -rc, tail);
            }
            _loaded = true;
        }
        finally
        {
            NativeMemory.Free(log);
        }
    }

    /// <summary>The loaded map <paramref name="name"/>, on a duplicated fd the caller owns.</summary>
    public BpfMap Map(string name)
    {
        EnsureLoaded();
        var fd = BpfException.ThrowIfNegative(Libbpf.bpf_map__fd(FindMap(name)), "bpf_map__fd", $"{_name}:{name}");
        return BpfMap.FromFd(SafeFdHandle.Duplicate(fd, $"{_name}:{name}"));
    }

    /// <summary>The loaded program <paramref name="name"/>, on a duplicated fd the caller owns.</summary>
    public BpfProgram Program(string name)
    {
        EnsureLoaded();
        var prog = Libbpf.bpf_object__find_program_by_name(_handle.DangerousGetHandle(), name);
        if (prog == 0)
        {
            throw new InvalidOperationException($"{_name} has no program {name}");
        }
        var fd = BpfException.ThrowIfNegative(Libbpf.bpf_program__fd(prog), "bpf_program__fd", $"{_name}:{name}");
        return new BpfProgram(SafeFdHandle.Duplicate(fd, $"{_name}:{name}"), name);
    }

    /// <inheritdoc/>
    public void Dispose() => _handle.Dispose();

    private nint FindMap(string name)
    {
        var map = Libbpf.bpf_object__find_map_by_name(_handle.DangerousGetHandle(), name);
        return map != 0 ? map : throw new InvalidOperationException($"{_name} has no map {name}");
    }

    private void EnsureLoaded()
    {
        if (!_loaded)
        {
            throw new InvalidOperationException($"{_name} is not loaded");
        }
    }

    private static string? LogTail(byte* log)
    {
        var text = Marshal.PtrToStringUTF8((nint)log)?.TrimEnd();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        var lines = text.Split('\n');
        return string.Join('\n', lines[Math.Max(0, lines.Length - VerifierTailLines)..]);
    }
}
