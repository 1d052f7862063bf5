namespace LoadBalancer.Bpf.Abi;

/// <summary>
/// Marks a C# mirror of a type in bpf/include/lb_abi.h. Fields map to C fields by
/// snake_case name (<c>RealId</c> → <c>real_id</c>); enum members map to
/// <see cref="Prefix"/> + SCREAMING_SNAKE (<c>PassNotVip</c> → <c>LB_PASS_NOT_VIP</c>).
/// <see cref="BpfNameAttribute"/> overrides a single name. AbiLayoutTests proves the mirror.
/// </summary>
[AttributeUsage(AttributeTargets.Struct | AttributeTargets.Enum, Inherited = false)]
public sealed class BpfAbiAttribute(string cName) : Attribute
{
    /// <summary>The C tag: <c>lb_vip_key</c> for <c>struct lb_vip_key</c>, <c>lb_reason</c> for <c>enum lb_reason</c>.</summary>
    public string CName { get; } = cName;

    /// <summary>For enums: the prefix of every member's C name, e.g. <c>LB_</c>.</summary>
    public string Prefix { get; init; } = "LB_";
}
