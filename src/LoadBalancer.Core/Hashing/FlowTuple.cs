using System.Net;
using LoadBalancer.Core.Model;

namespace LoadBalancer.Core.Hashing;

/// <summary>A flow's 5-tuple as the client sends it: client address and port to VIP address and port.</summary>
public readonly record struct FlowTuple(IPAddress Source, ushort SourcePort, IPAddress Destination, ushort DestinationPort, L4Protocol Protocol);
