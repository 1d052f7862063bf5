using Grpc.Core;

namespace LoadBalancer.ControlPlane.Bgp;

/// <summary>
/// The BGP speaker failed: gobgpd did not start or answer, or refused or failed an API call. The
/// message names the operation, the speaker's API address and, for an API call, the gRPC status.
/// </summary>
public sealed class BgpSpeakerException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BgpSpeakerException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>The gRPC status of the failed call; null when the failure was not an API call.</summary>
    public StatusCode? StatusCode => (InnerException as RpcException)?.StatusCode;
}
