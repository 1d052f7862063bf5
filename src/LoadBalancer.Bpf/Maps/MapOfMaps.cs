using LoadBalancer.Bpf.Interop;

namespace LoadBalancer.Bpf.Maps;

/// <summary>
/// An array of maps (u32 index → inner map). Setting a slot replaces the inner map the data
/// plane sees with one update, so a reader sees either the old inner map or the new one, whole.
/// </summary>
public sealed unsafe class MapOfMaps : IDisposable
{
    /// <summary>Wraps <paramref name="map"/>, an ARRAY_OF_MAPS.</summary>
    public MapOfMaps(BpfMap map)
    {
        if (map.Type != Interop.BpfMapType.ArrayOfMaps)
        {
            throw new InvalidOperationException($"map {map.Name} is not an array of maps");
        }
        Map = map;
    }

    /// <summary>The underlying map.</summary>
    public BpfMap Map { get; }

    /// <summary>Points slot <paramref name="index"/> at <paramref name="inner"/>; the outer map then holds its own reference.</summary>
    public void Set(uint index, BpfMap inner)
    {
        var fd = (uint)inner.Handle.Fd;
        Map.Update(&index, &fd, MapUpdate.Any);
    }

    /// <summary>Empties slot <paramref name="index"/>; false if it was empty.</summary>
    public bool Clear(uint index) => Map.Delete(&index);

    /// <summary>The inner map in slot <paramref name="index"/> opened by its id, or null when the slot is empty.</summary>
    public BpfMap? OpenInner(uint index)
    {
        if (InnerId(index) is not { } id)
        {
            return null;
        }
        var fd = Libbpf.bpf_map_get_fd_by_id(id);
        return BpfMap.FromFd(new Handles.SafeFdHandle(BpfException.ThrowIfNegative(fd, "bpf_map_get_fd_by_id", $"{Map.Name}[{index}] (map id {id})")));
    }

    /// <summary>The kernel id of the inner map in slot <paramref name="index"/>, or null when empty.</summary>
    public uint? InnerId(uint index)
    {
        uint id;
        return Map.Lookup(&index, &id) ? id : null;
    }

    /// <inheritdoc/>
    public void Dispose() => Map.Dispose();
}
