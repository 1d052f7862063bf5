namespace LoadBalancer.Bpf.Abi;

/// <summary>The exact C name of a mirrored field or enum member, where the naming rule does not give it.</summary>
[AttributeUsage(AttributeTargets.Field, Inherited = false)]
public sealed class BpfNameAttribute(string cName) : Attribute
{
    /// <summary>The C name.</summary>
    public string CName { get; } = cName;
}
