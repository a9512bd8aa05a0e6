namespace StreamCore.Chat;

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
}
