namespace LoadBalancer.Bpf.Interop;

/// <summary>
/// The libbpf 1.x functions the product calls, under their exact C names. libbpf 1.x
/// returns <c>-errno</c> from int functions and NULL with errno set from pointer functions;
/// <see cref="BpfException"/> turns both into exceptions at the call sites.
/// </summary>
internal static unsafe partial class Libbpf
{
    private const string Lib = "libbpf.so.1";

    // bpf_object
    [LibraryImport(Lib, SetLastError = true)]
    internal static partial nint bpf_object__open_mem(void* objBuf, nuint objBufSize, BpfObjectOpenOpts* opts);

    [LibraryImport(Lib)]
    internal static partial int bpf_object__load(nint obj);

    [LibraryImport(Lib)]
    internal static partial void bpf_object__close(nint obj);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint bpf_object__find_map_by_name(nint obj, string name);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint bpf_object__find_program_by_name(nint obj, string name);

    [LibraryImport(Lib)]
    internal static partial nint bpf_object__next_map(nint obj, nint prev);

    [LibraryImport(Lib)]
    internal static partial nint bpf_object__next_program(nint obj, nint prev);

    // bpf_map (object side, before and after load)
    [LibraryImport(Lib)]
    internal static partial byte* bpf_map__name(nint map);

    [LibraryImport(Lib)]
    internal static partial int bpf_map__set_max_entries(nint map, uint maxEntries);

    [LibraryImport(Lib)]
    internal static partial int bpf_map__set_inner_map_fd(nint map, int fd);

    [LibraryImport(Lib)]
    internal static partial int bpf_map__set_initial_value(nint map, void* data, nuint size);

    [LibraryImport(Lib)]
    internal static partial int bpf_map__fd(nint map);

    [LibraryImport(Lib)]
    internal static partial void* bpf_map__initial_value(nint map, nuint* size);

    // bpf_program
    [LibraryImport(Lib)]
    internal static partial byte* bpf_program__name(nint prog);

    [LibraryImport(Lib)]
    internal static partial int bpf_program__fd(nint prog);

    [LibraryImport(Lib)]
    internal static partial int bpf_program__set_log_buf(nint prog, byte* logBuf, nuint logSize);

    // links, by fd
    [LibraryImport(Lib)]
    internal static partial int bpf_link_create(int progFd, int targetFd, uint attachType, BpfLinkCreateOpts* opts);

    [LibraryImport(Lib)]
    internal static partial int bpf_link_detach(int linkFd);

    // bpf(2) wrappers on fds
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int bpf_map_create(uint mapType, string? name, uint keySize, uint valueSize, uint maxEntries, void* opts);

    [LibraryImport(Lib)]
    internal static partial int bpf_map_update_elem(int fd, void* key, void* value, ulong flags);

    [LibraryImport(Lib)]
    internal static partial int bpf_map_lookup_elem(int fd, void* key, void* value);

    [LibraryImport(Lib)]
    internal static partial int bpf_map_delete_elem(int fd, void* key);

    [LibraryImport(Lib)]
    internal static partial int bpf_map_get_next_key(int fd, void* key, void* nextKey);

    [LibraryImport(Lib)]
    internal static partial int bpf_map_update_batch(int fd, void* keys, void* values, uint* count, void* opts);

    [LibraryImport(Lib)]
    internal static partial int bpf_map_lookup_batch(int fd, void* inBatch, void* outBatch, void* keys, void* values, uint* count, void* opts);

    [LibraryImport(Lib)]
    internal static partial int bpf_map_get_fd_by_id(uint id);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int bpf_obj_pin(int fd, string path);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int bpf_obj_get(string path);

    [LibraryImport(Lib)]
    internal static partial int bpf_obj_get_info_by_fd(int fd, void* info, uint* infoLen);

    [LibraryImport(Lib)]
    internal static partial int bpf_prog_test_run_opts(int progFd, BpfTestRunOpts* opts);

    [LibraryImport(Lib)]
    internal static partial int libbpf_num_possible_cpus();

    internal static string? ToManaged(byte* utf8) => utf8 is null ? null : Marshal.PtrToStringUTF8((nint)utf8);
}
