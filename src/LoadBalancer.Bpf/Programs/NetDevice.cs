namespace LoadBalancer.Bpf.Programs;

/// <summary>Network device names and indexes, in the calling thread's network namespace.</summary>
public static partial class NetDevice
{
    /// <summary>The ifindex of <paramref name="name"/>.</summary>
    /// <exception cref="BpfException">No such device in this namespace.</exception>
    public static int IndexOf(string name)
    {
        var index = if_nametoindex(name);
        return index != 0 ? (int)index : throw new BpfException("if_nametoindex", name, Marshal.GetLastPInvokeError());
    }

    /// <summary>The ifindex of <paramref name="name"/>; false if there is no such device in this namespace.</summary>
    public static bool TryIndexOf(string name, out int index)
    {
        index = (int)if_nametoindex(name);
        return index != 0;
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial uint if_nametoindex(string name);
}
