namespace StreamCore;

/// <summary>
/// Why the model stopped, with the same names for every protocol (<c>typed-protocols.md</c>,
/// section 0). The raw value is kept beside it (<see cref="StreamResult.StopReason"/>).
/// </summary>
public enum StopKind
{
    /// <summary>No stop arrived (yet).</summary>
    None,

    /// <summary>A natural end (<c>stop</c>, <c>end_turn</c>, <c>stop_sequence</c>, a completed response).</summary>
    Stop,

    /// <summary>An output limit was reached (<c>length</c>, <c>max_tokens</c>, <c>max_output_tokens</c>).</summary>
    Length,

    /// <summary>The model called tools the application runs (<c>tool_calls</c>, <c>tool_use</c>, <c>function_call</c>).</summary>
    ToolCalls,

    /// <summary>Output was withheld by a content filter (<c>content_filter</c>).</summary>
    ContentFilter,

    /// <summary>The model refused (<c>refusal</c>).</summary>
    Refusal,

    /// <summary>A long turn was paused, to be continued by another request (<c>pause_turn</c>).</summary>
    Paused,

    /// <summary>The provider reported an error.</summary>
    Error,

    /// <summary>A reason none of the others names; see <see cref="StreamResult.StopReason"/>.</summary>
    Other,
}
