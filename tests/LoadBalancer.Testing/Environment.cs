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

    /// <summary>
    /// The build configuration these tests were built in (Release or Debug): the name of the folder
    /// above the test assembly's target-framework folder (…/bin/Release/net10.0/).
    /// </summary>
    public static string BuildConfiguration => s_outputDirectory.Parent!.Name;

    /// <summary>
    /// Where <paramref name="file"/> of <paramref name="project"/> (a directory relative to the
    /// repository root, e.g. src/LoadBalancer.Daemon) is built in this configuration and target
    /// framework: <c>{project}/bin/{configuration}/{tfm}/{file}</c>. Not checked for existence.
    /// </summary>
    public static string BuiltFile(string project, string file)
        => Path.Combine(RepoRoot, project, "bin", BuildConfiguration, s_outputDirectory.Name, file);

    private static readonly DirectoryInfo s_outputDirectory = new(AppContext.BaseDirectory.TrimEnd('/'));

    /// <summary>The multiarch triplet of this machine (x86_64-linux-gnu, aarch64-linux-gnu), for /usr/include/TRIPLET.</summary>
    public static string ArchTriplet => System.Runtime.InteropServices.RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.Arm64 => "aarch64-linux-gnu",
        System.Runtime.InteropServices.Architecture.X64 => "x86_64-linux-gnu",
        var other => throw new PlatformNotSupportedException($"no multiarch include directory known for {other}"),
    };

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
