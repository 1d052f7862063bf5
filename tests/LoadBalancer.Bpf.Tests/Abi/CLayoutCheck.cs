using System.Reflection;
using System.Text;
using LoadBalancer.Testing;

namespace LoadBalancer.Bpf.Tests.Abi;

/// <summary>
/// Turns C# mirrors into C11 static asserts (sizeof, offsetof, field sizes, enum values) against a
/// C header and compiles them with clang: the build of the assert file is the proof.
/// </summary>
public sealed class CLayoutCheck
{
    private readonly StringBuilder _c = new();

    public CLayoutCheck(params string[] includes)
    {
        _c.AppendLine("#include <stddef.h>");
        foreach (var include in includes)
        {
            _c.AppendLine($"#include <{include}>");
        }
    }

    public int AssertCount { get; private set; }

    /// <summary>Asserts the size of <paramref name="type"/> and the offset and size of each mapped field.</summary>
    public void Struct(Type type, string cType, IEnumerable<(FieldInfo Field, string CField)> fields, bool checkSize = true)
    {
        if (checkSize)
        {
            Assert($"sizeof({cType}) == {LayoutProbe.SizeOf(type)}", $"{type.Name}: sizeof({cType})");
        }
        foreach (var (field, cField) in fields)
        {
            Assert($"offsetof({cType}, {cField}) == {LayoutProbe.OffsetOf(field)}", $"{type.Name}.{field.Name}: offsetof({cType}, {cField})");
            Assert($"sizeof((({cType} *)0)->{cField}) == {LayoutProbe.SizeOf(field.FieldType)}", $"{type.Name}.{field.Name}: sizeof {cType}.{cField}");
        }
    }

    /// <summary>Asserts that C constant <paramref name="cName"/> equals <paramref name="value"/>.</summary>
    public void Constant(string cName, ulong value, string what) => Assert($"{cName} == {value}ULL", what);

    /// <summary>Compiles the asserts; returns clang's output, empty when every assert holds.</summary>
    public string Compile()
    {
        var file = Path.Combine(Path.GetTempPath(), $"lb-abi-check-{Environment.ProcessId}-{Guid.NewGuid():N}.c");
        File.WriteAllText(file, _c.ToString());
        try
        {
            var (code, output) = Shell.TryRun("clang", "-std=c11", "-fsyntax-only", "-Wall", $"-I{Path.Combine(TestEnvironment.RepoRoot, "bpf", "include")}", $"-I/usr/include/{TestEnvironment.ArchTriplet}", file);
            return code == 0 ? "" : output + $"\n(generated file: {file})";
        }
        finally
        {
            if (File.Exists(file))
            {
                File.Delete(file);
            }
        }
    }

    private void Assert(string condition, string what)
    {
        _c.AppendLine($"_Static_assert({condition}, \"{what}\");");
        AssertCount++;
    }
}
