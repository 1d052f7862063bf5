using LoadBalancer.Bpf;
using LoadBalancer.Bpf.Programs;
using LoadBalancer.Testing;
using Xunit;

namespace LoadBalancer.Datapath.Tests;

/// <summary>
/// Load failures explain themselves: a program the verifier refuses fails with the operation, the
/// object, errno and the verifier's own words; a process without the privileges says so in one line.
/// </summary>
public sealed class LoadErrorTests
{
    [Fact]
    public void Load_WithoutBpfCapabilities_FailsWithOneClearLine()
    {
        TestEnvironment.RequireRootAndBpffs();
        var bench = TestEnvironment.BuiltFile("bench/LoadBalancer.Benchmarks", "lb-bench.dll");
        Assert.True(File.Exists(bench), $"{bench} is missing: build the solution first (make build)");

        // Still uid 0, but with every capability dropped, as an unprivileged user would be.
        var (code, output) = Shell.TryRun("setpriv", "--bounding-set=-all", "--inh-caps=-all", "--", "dotnet", bench, "--packets", "10");

        Assert.Equal(1, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Equal("lb-bench: loading the data plane needs root: this process lacks CAP_BPF and CAP_NET_ADMIN; run it as root (e.g. with sudo)", lines[0]);
    }

    [Fact]
    public void Load_ProgramReadingPastThePacket_ThrowsWithVerifierLogTail()
    {
        TestEnvironment.RequireRootAndBpffs();
        var dir = Directory.CreateTempSubdirectory("lb-bad-bpf");
        try
        {
            var source = Path.Combine(dir.FullName, "bad.bpf.c");
            File.WriteAllText(source, """
                #include <linux/bpf.h>
                #include <bpf/bpf_helpers.h>
                SEC("xdp")
                int bad(struct xdp_md *ctx)
                {
                	unsigned char *data = (void *)(long)ctx->data;
                	return data[100];	/* no bounds check against data_end */
                }
                char LICENSE[] SEC("license") = "GPL";
                """);
            var obj = Path.Combine(dir.FullName, "bad.bpf.o");
            Shell.Run("clang", "-O2", "-g", "-target", "bpf", $"-I/usr/include/{TestEnvironment.ArchTriplet}", "-c", source, "-o", obj);

            using var bad = BpfObject.Open(File.ReadAllBytes(obj), "bad.bpf.o");
            var error = Assert.Throws<BpfException>(bad.Load);

            Assert.Equal("bpf_object__load", error.Operation);
            Assert.Equal("bad.bpf.o", error.Target);
            Assert.Equal(13, error.Errno);
            Assert.StartsWith("bpf_object__load(\"bad.bpf.o\") failed: Permission denied (13)", error.Message);
            Assert.NotNull(error.VerifierLogTail);
            Assert.Contains("invalid access to packet", error.VerifierLogTail);
            Assert.Contains(error.VerifierLogTail!, error.Message);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
