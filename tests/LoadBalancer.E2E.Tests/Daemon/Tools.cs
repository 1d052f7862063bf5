using LoadBalancer.Testing;

namespace LoadBalancer.E2E.Tests.Daemon;

/// <summary>The built lbd and lbctl of this configuration (Release or Debug, as the tests were built).</summary>
public static class Tools
{
    public static string Lbd => Built("src/LoadBalancer.Daemon", "lbd.dll");

    public static string Lbctl => Built("src/LoadBalancer.Cli", "lbctl.dll");

    public static string LbctlDirectory => Path.GetDirectoryName(Lbctl)!;

    private static string Built(string project, string dll)
    {
        var path = TestEnvironment.BuiltFile(project, dll);
        return File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing: build the solution first (make build)");
    }
}
