using LoadBalancer.Bpf.Interop;
using Xunit;

namespace LoadBalancer.Bpf.Tests.Abi;

/// <summary>The hand-written mirrors of libbpf and UAPI structs the interop passes by pointer, checked against the installed headers.</summary>
public sealed class InteropLayoutTests
{
    [Fact]
    public void LibbpfAndUapiMirrors_MatchTheInstalledHeaders()
    {
        var check = new CLayoutCheck("bpf/libbpf.h", "bpf/bpf.h", "linux/bpf.h");
        Add(check, typeof(BpfTestRunOpts), "struct bpf_test_run_opts");
        Add(check, typeof(BpfObjectOpenOpts), "struct bpf_object_open_opts");
        Add(check, typeof(BpfLinkCreateOpts), "struct bpf_link_create_opts");
        Add(check, typeof(XdpMd), "struct xdp_md");
        // bpf_map_info grows with the kernel; the mirror is a prefix, so only its fields are checked.
        Add(check, typeof(BpfMapInfo), "struct bpf_map_info", checkSize: false);

        Assert.Equal("", check.Compile());
    }

    private static void Add(CLayoutCheck check, Type type, string cType, bool checkSize = true)
        => check.Struct(type, cType, LayoutProbe.Fields(type).Select(f => (f, AbiNames.Field(f))), checkSize);
}
