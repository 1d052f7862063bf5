using System.Diagnostics;
using System.Text;

namespace LoadBalancer.Testing;

/// <summary>A server or generator started for a test; killed (with its children) on dispose.</summary>
public sealed class BackgroundProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private BackgroundProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Whether it is still running.</summary>
    public bool IsRunning => !_process.HasExited;

    /// <summary>What it printed so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts <paramref name="file"/> with <paramref name="args"/>.</summary>
    public static BackgroundProcess Start(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }
        return new BackgroundProcess(Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}"));
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
