namespace LoadBalancer.Bpf;

/// <summary>
/// A libbpf or bpf(2) call failed. The message names the operation, the object it acted on
/// and the errno text, e.g. <c>bpf_object__load("balancer.bpf.o") failed: Permission denied (13)</c>,
/// followed by the verifier's last lines when a program was rejected.
/// </summary>
public sealed class BpfException : Exception
{
    /// <summary>Creates the exception for <paramref name="operation"/> on <paramref name="target"/>.</summary>
    public BpfException(string operation, string target, int errno, string? verifierLogTail = null)
        : base(Format(operation, target, errno, verifierLogTail))
    {
        Operation = operation;
        Target = target;
        Errno = errno;
        VerifierLogTail = verifierLogTail;
    }

    /// <summary>The libbpf function or syscall that failed.</summary>
    public string Operation { get; }

    /// <summary>The object, map, program, path or device it was called on.</summary>
    public string Target { get; }

    /// <summary>The positive errno value.</summary>
    public int Errno { get; }

    /// <summary>The last lines of the verifier log, when a program load failed.</summary>
    public string? VerifierLogTail { get; }

    private static string Format(string operation, string target, int errno, string? verifierLogTail)
    {
        var message = $"{operation}(\"{target}\") failed: {Marshal.GetPInvokeErrorMessage(errno)} ({errno})";
        return verifierLogTail is null ? message : $"{message}\nverifier log (last lines):\n{verifierLogTail}";
    }

    /// <summary>Throws when a libbpf call that returns <c>-errno</c> failed.</summary>
    internal static int ThrowIfNegative(int rc, string operation, string target)
        => rc < 0 ? throw new BpfException(operation, target, -rc) : rc;

    /// <summary>Throws when a libbpf call that returns a pointer failed (NULL, errno set).</summary>
    internal static nint ThrowIfNull(nint ptr, string operation, string target)
        => ptr == 0 ? throw new BpfException(operation, target, LastErrno()) : ptr;

    /// <summary>The errno of the last P/Invoke call with SetLastError, never 0.</summary>
    internal static int LastErrno()
    {
        var errno = Marshal.GetLastPInvokeError();
        return errno == 0 ? 5 /* EIO: libbpf failed without saying why */ : errno;
    }
}
