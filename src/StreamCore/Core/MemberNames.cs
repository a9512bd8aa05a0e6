using System;

namespace StreamCore.Core;

/// <summary>The canonical (snake_case) names under which known members are stored, shared by every stream.</summary>
internal static class MemberNames
{
    public static readonly byte[] Id = "id"u8.ToArray();
    public static readonly byte[] Created = "created"u8.ToArray();
    public static readonly byte[] Model = "model"u8.ToArray();
    public static readonly byte[] Usage = "usage"u8.ToArray();
    public static readonly byte[] SystemFingerprint = "system_fingerprint"u8.ToArray();
    public static readonly byte[] ServiceTier = "service_tier"u8.ToArray();
    public static readonly byte[] Error = "error"u8.ToArray();
    public static readonly byte[] Role = "role"u8.ToArray();
    public static readonly byte[] Content = "content"u8.ToArray();
    public static readonly byte[] Refusal = "refusal"u8.ToArray();
    public static readonly byte[] ToolCalls = "tool_calls"u8.ToArray();
    public static readonly byte[] FunctionCall = "function_call"u8.ToArray();
    public static readonly byte[] Audio = "audio"u8.ToArray();
    public static readonly byte[] Annotations = "annotations"u8.ToArray();
    public static readonly byte[] Type = "type"u8.ToArray();
    public static readonly byte[] Text = "text"u8.ToArray();
    public static readonly byte[] Data = "data"u8.ToArray();
    public static readonly byte[] Reasoning = "reasoning"u8.ToArray();
    public static readonly byte[] ReasoningContent = "reasoning_content"u8.ToArray();

    private static readonly byte[][] Common =
    [
        Id, Created, Model, Usage, SystemFingerprint, ServiceTier, Error, Role, Content, Refusal, ToolCalls,
        FunctionCall, Audio, Annotations, Type, Text, Data,
        "object"u8.ToArray(), "name"u8.ToArray(), "arguments"u8.ToArray(), Reasoning,
        ReasoningContent, "reasoning_details"u8.ToArray(), "logprobs"u8.ToArray(),
        "finish_reason"u8.ToArray(), "stop_reason"u8.ToArray(), "native_finish_reason"u8.ToArray(),
        "matched_stop"u8.ToArray(), "content_filter_results"u8.ToArray(), "content_filter_offsets"u8.ToArray(),
        "prompt_filter_results"u8.ToArray(), "citations"u8.ToArray(), "x_groq"u8.ToArray(), "provider"u8.ToArray(),
        "executed_tools"u8.ToArray(), "token_id"u8.ToArray(), "seed"u8.ToArray(), "transcript"u8.ToArray(),
        "expires_at"u8.ToArray(), "obfuscation"u8.ToArray(),
    ];

    // The common names by length, so that a lookup compares a few candidates.
    private static readonly byte[][][] CommonByLength = BuildTable();

    /// <summary>
    /// The shared array for a name that streams commonly carry, or null: members named by it then
    /// allocate no copy of their name.
    /// </summary>
    public static byte[]? Find(ReadOnlySpan<byte> name)
    {
        if ((uint)name.Length < (uint)CommonByLength.Length)
        {
            foreach (byte[] common in CommonByLength[name.Length])
            {
                if (name.SequenceEqual(common))
                {
                    return common;
                }
            }
        }

        return null;
    }

    private static byte[][][] BuildTable()
    {
        int longest = 0;
        foreach (byte[] common in Common)
        {
            longest = Math.Max(longest, common.Length);
        }

        var table = new byte[longest + 1][][];
        for (int length = 0; length <= longest; length++)
        {
            table[length] = Array.FindAll(Common, n => n.Length == length);
        }

        return table;
    }
}
