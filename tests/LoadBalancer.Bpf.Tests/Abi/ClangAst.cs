using System.Text.Json;
using LoadBalancer.Testing;

namespace LoadBalancer.Bpf.Tests.Abi;

/// <summary>The <c>lb_*</c> structs (with their fields) and enums (with their constants) that clang finds in a header.</summary>
public sealed class ClangAst
{
    private ClangAst(Dictionary<string, List<string>> structs, Dictionary<string, List<string>> enums)
    {
        Structs = structs;
        Enums = enums;
    }

    public IReadOnlyDictionary<string, List<string>> Structs { get; }

    public IReadOnlyDictionary<string, List<string>> Enums { get; }

    public static ClangAst Parse(string header)
    {
        var (code, json) = Shell.TryRun("clang", "-std=c11", "-fsyntax-only", "-Xclang", "-ast-dump=json", $"-I/usr/include/{TestEnvironment.ArchTriplet}", header);
        if (code != 0)
        {
            throw new InvalidOperationException($"clang could not parse {header}:\n{json}");
        }
        using var doc = JsonDocument.Parse(json);
        var structs = new Dictionary<string, List<string>>();
        var enums = new Dictionary<string, List<string>>();
        foreach (var decl in doc.RootElement.GetProperty("inner").EnumerateArray())
        {
            if (!decl.TryGetProperty("name", out var nameElement) || nameElement.GetString() is not { } name || !name.StartsWith("lb_", StringComparison.Ordinal))
            {
                continue;
            }
            var kind = decl.GetProperty("kind").GetString();
            var inner = decl.TryGetProperty("inner", out var children) ? children.EnumerateArray().ToList() : [];
            if (kind == "RecordDecl" && decl.TryGetProperty("completeDefinition", out var complete) && complete.GetBoolean())
            {
                structs[name] = [.. inner.Where(c => c.GetProperty("kind").GetString() == "FieldDecl").Select(c => c.GetProperty("name").GetString()!)];
            }
            else if (kind == "EnumDecl")
            {
                enums[name] = [.. inner.Where(c => c.GetProperty("kind").GetString() == "EnumConstantDecl").Select(c => c.GetProperty("name").GetString()!)];
            }
        }
        return new ClangAst(structs, enums);
    }
}
