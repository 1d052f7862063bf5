using System.Diagnostics;
using System.Globalization;
using LoadBalancer.Testing;

namespace LoadBalancer.E2E.Tests.Cluster;

/// <summary>
/// A long-running program (etcd, gobgpd) in one node's namespace, its output appended to a log
/// file readable at any time. It runs as <c>sh -c 'exec nsenter --net=NS -- CMD'</c>: both exec in
/// place, so the process is the program itself and signals reach it.
/// </summary>
public sealed class NamespaceDaemon : IDisposable
{
    private readonly string _namespacePath;
    private readonly string[] _command;
    private Process? _process;

    /// <param name="namespacePath">/run/netns/...: where the program runs.</param>
    /// <param name="logPath">Appended to by every start.</param>
    /// <param name="command">The program and its arguments.</param>
    public NamespaceDaemon(string namespacePath, string logPath, params string[] command)
    {
        _namespacePath = namespacePath;
        LogPath = logPath;
        _command = command;
    }

    public string LogPath { get; }

    /// <summary>What the program printed, from every start.</summary>
    public string Log => File.Exists(LogPath) ? File.ReadAllText(LogPath) : "";

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The program's pid while it runs.</summary>
    public int? Pid => IsRunning ? _process!.Id : null;

    /// <summary>Starts the program unless it runs; does not wait for it to be ready.</summary>
    public void Start()
    {
        if (IsRunning)
        {
            return;
        }
        Stop();
        var psi = new ProcessStartInfo("/bin/sh");
        foreach (var arg in new[] { "-c", "log=$1; shift; exec \"$@\" >>\"$log\" 2>&1 </dev/null", "sh", LogPath, "nsenter", $"--net={_namespacePath}", "--" }.Concat(_command))
        {
            psi.ArgumentList.Add(arg);
        }
        _process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {_command[0]}");
    }

    /// <summary>Stops the program with SIGTERM (or SIGKILL) and waits for it to exit (SIGKILL after 10 s).</summary>
    public void Stop(bool kill = false)
    {
        if (_process is not { } process)
        {
            return;
        }
        try
        {
            if (!process.HasExited)
            {
                var pid = process.Id.ToString(CultureInfo.InvariantCulture);
                if (kill)
                {
                    Shell.TryRun("kill", "-KILL", pid);
                }
                else
                {
                    // A frozen (SIGSTOP) program acts on SIGTERM only once it runs again.
                    Shell.TryRun("kill", "-TERM", pid);
                    Shell.TryRun("kill", "-CONT", pid);
                }
                if (!process.WaitForExit(10_000))
                {
                    process.Kill();
                }
            }
            process.WaitForExit();
        }
        finally
        {
            process.Dispose();
            _process = null;
        }
    }

    /// <summary>Sends <paramref name="signal"/> (STOP, CONT, HUP...) to the running program.</summary>
    public void Signal(string signal)
    {
        var pid = Pid ?? throw new InvalidOperationException($"{_command[0]} is not running:\n{LogTail()}");
        Shell.Run("kill", $"-{signal}", pid.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Kills the program.</summary>
    public void Dispose() => Stop(kill: true);

    /// <summary>The last <paramref name="lines"/> lines of the log, for failure messages.</summary>
    public string LogTail(int lines = 30) => string.Join('\n', Log.Split('\n').TakeLast(lines));
}
