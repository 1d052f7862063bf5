using LoadBalancer.Bpf.Interop;
using Microsoft.Win32.SafeHandles;

namespace LoadBalancer.Bpf.Handles;

/// <summary>Owns a libbpf <c>struct bpf_object *</c>; closing it frees libbpf's copy of the object.</summary>
internal sealed class SafeBpfObjectHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public SafeBpfObjectHandle(nint obj)
        : base(ownsHandle: true)
        => SetHandle(obj);

    protected override bool ReleaseHandle()
    {
        Libbpf.bpf_object__close(handle);
        return true;
    }
}
