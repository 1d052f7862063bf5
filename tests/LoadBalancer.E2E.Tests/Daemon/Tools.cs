using LoadBalancer.Testing;

namespace LoadBalancer.E2E.Tests.Daemon;

/// <summary>The built lbd and lbctl of this configuration (Release or Debug, as the tests were built).</summary>
public static class Tools
{
    private static readonly string s_configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;

    public static string Lbd => Built("src/LoadBalancer.Daemon", "lbd.dll");

    public static string Lbctl => Built("src/LoadBalancer.Cli", "lbctl.dll");

    public static string LbctlDirectory => Path.GetDirectoryName(Lbctl)!;

    private static string Built(string project, string dll)
    {
        var path = Path.Combine(TestEnvironment.RepoRoot, project, "bin", s_configuration, "net10.0", dll);
        return File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing: build the solution first (make build)");
    }
}
