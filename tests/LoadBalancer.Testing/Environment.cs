using Tmds.Linux;

namespace LoadBalancer.Testing;

/// <summary>
/// What privileged tests need, checked up front so a missing piece fails loudly with the fix,
/// never as a silent skip.
/// </summary>
public static class TestEnvironment
{
    /// <summary>Fails unless the process is root with bpffs mounted at /sys/fs/bpf.</summary>
    public static void RequireRootAndBpffs()
    {
        if (LibC.geteuid() != 0)
        {
            throw new InvalidOperationException("this test loads BPF programs and creates network namespaces: run it as root (sudo make test)");
        }
        if (!IsBpffs("/sys/fs/bpf"))
        {
            throw new InvalidOperationException("bpffs is not mounted at /sys/fs/bpf: run `sudo make deps` (or mount -t bpf bpf /sys/fs/bpf)");
        }
    }

    /// <summary>The repository root (the directory holding LoadBalancer.sln).</summary>
    public static string RepoRoot => s_repoRoot.Value;

    private static readonly Lazy<string> s_repoRoot = new(FindRepoRoot);

    /// <summary>A short prefix unique to this test process, for namespace and pin names.</summary>
    public static string RunPrefix { get; } = $"lbt{Environment.ProcessId}";

    private static bool IsBpffs(string path)
        => File.ReadLines("/proc/self/mounts").Select(l => l.Split(' ')).Any(f => f.Length > 2 && f[1] == path && f[2] == "bpf");

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LoadBalancer.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"no LoadBalancer.sln above {AppContext.BaseDirectory}");
    }
}
