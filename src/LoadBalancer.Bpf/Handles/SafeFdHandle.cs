using Microsoft.Win32.SafeHandles;
using Tmds.Linux;

namespace LoadBalancer.Bpf.Handles;

/// <summary>Owns a BPF map, program or link file descriptor and closes it.</summary>
public sealed class SafeFdHandle : SafeHandleMinusOneIsInvalid
{
    /// <summary>Takes ownership of <paramref name="fd"/>.</summary>
    public SafeFdHandle(int fd)
        : base(ownsHandle: true)
        => SetHandle(fd);

    /// <summary>The raw descriptor, for a call made while this handle is kept alive.</summary>
    public int Fd => (int)handle;

    /// <summary>A new handle on a close-on-exec duplicate of <paramref name="fd"/>, which the caller keeps.</summary>
    public static SafeFdHandle Duplicate(int fd, string what)
    {
        var dup = LibC.fcntl(fd, LibC.F_DUPFD_CLOEXEC, 0);
        return dup < 0 ? throw new BpfException("fcntl(F_DUPFD_CLOEXEC)", what, Marshal.GetLastPInvokeError()) : new SafeFdHandle(dup);
    }

    /// <inheritdoc/>
    protected override bool ReleaseHandle() => LibC.close((int)handle) == 0;
}
