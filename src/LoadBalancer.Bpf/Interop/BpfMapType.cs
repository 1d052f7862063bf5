namespace LoadBalancer.Bpf.Interop;

/// <summary>The UAPI <c>enum bpf_map_type</c> values the product meets.</summary>
internal enum BpfMapType : uint
{
    /// <summary>BPF_MAP_TYPE_HASH.</summary>
    Hash = 1,

    /// <summary>BPF_MAP_TYPE_ARRAY.</summary>
    Array = 2,

    /// <summary>BPF_MAP_TYPE_PERCPU_HASH.</summary>
    PerCpuHash = 5,

    /// <summary>BPF_MAP_TYPE_PERCPU_ARRAY.</summary>
    PerCpuArray = 6,

    /// <summary>BPF_MAP_TYPE_LRU_HASH.</summary>
    LruHash = 9,

    /// <summary>BPF_MAP_TYPE_LRU_PERCPU_HASH.</summary>
    LruPerCpuHash = 10,

    /// <summary>BPF_MAP_TYPE_ARRAY_OF_MAPS.</summary>
    ArrayOfMaps = 12,
}
