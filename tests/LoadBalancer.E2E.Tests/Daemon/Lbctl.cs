using LoadBalancer.Testing;

namespace LoadBalancer.E2E.Tests.Daemon;

/// <summary>Runs the real lbctl against an lbd instance.</summary>
public static class Lbctl
{
    public static (int ExitCode, string Output) Run(LbdProcess lbd, params string[] args)
        => Shell.TryRun("dotnet", [Tools.Lbctl, "--socket", lbd.Socket, .. args]);

    /// <summary>Runs lbctl and fails with its output unless it exits 0.</summary>
    public static string Ok(LbdProcess lbd, params string[] args)
    {
        var (code, output) = Run(lbd, args);
        return code == 0 ? output : throw new InvalidOperationException($"lbctl {string.Join(' ', args)} exited {code}:\n{output}");
    }
}
