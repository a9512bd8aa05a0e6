using StreamCore.Buffers;
using StreamCore.Json;

namespace StreamCore.Chat;

/// <summary>One tool call of a choice, assembled from its fragments (assembly rules, section 7).</summary>
internal sealed class ToolCallState
{
    public ToolCallState(int position) => Position = position;

    /// <summary>The call's position among its choice's calls (order of first appearance).</summary>
    public int Position { get; }

    // Escaped string content, as it arrived.
    public PooledByteBuffer Id;
    public PooledByteBuffer Type;
    public PooledByteBuffer Name;
    public PooledByteBuffer Arguments;

    public bool HasFunction { get; set; }

    public bool HasArguments { get; set; }

    /// <summary>Whether a <see cref="ChatUpdateKind.ToolCallCompleted"/> update was produced.</summary>
    public bool Completed { get; set; }

    /// <summary>Validates the unescaped arguments as they arrive, so completion needs no re-parse.</summary>
    public IncrementalJsonValidator Validator;

    /// <summary>Other members of the call (last non-null, verbatim); created on first use.</summary>
    public MergedObject? Extras { get; set; }

    /// <summary>Other members of the call's <c>function</c>; created on first use.</summary>
    public MergedObject? FunctionExtras { get; set; }

    /// <summary>The public view of this state, created on first use.</summary>
    public ChatToolCall? View { get; set; }

    public void Dispose()
    {
        Id.Dispose();
        Type.Dispose();
        Name.Dispose();
        Arguments.Dispose();
        Validator.Dispose();
        Extras?.Dispose();
        FunctionExtras?.Dispose();
    }
}
