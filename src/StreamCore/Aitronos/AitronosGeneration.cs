namespace StreamCore.Aitronos;

/// <summary>
/// Which of the three documented generations of Aitronos streams a stream was (<c>typed-protocols.md</c>,
/// section 3; <c>seed-streams.md</c>, section 1.1). Told from the events that only one generation
/// sends; when a stream mixes them, the newest one it showed. A stream that names its events in
/// the data but sends only events the current and previous generations share
/// (<c>response.created</c>, <c>response.content_delta</c>, <c>response.completed</c>,
/// <c>response.error</c>) is told as <see cref="Current"/>: every current event names itself in the
/// data, while the previous generation's events page shows its payloads without the name.
/// </summary>
public enum AitronosGeneration
{
    /// <summary>Nothing in the stream tells (no event so far, or only events every generation sends under their SSE names).</summary>
    Unknown,

    /// <summary>
    /// The oldest, OpenAI-Responses-like: the event name in the SSE <c>event:</c> line, content in
    /// <c>response.output_text.delta</c>, the full text in <c>.done</c>, the response id on
    /// <c>response.created</c>, <c>response.failed</c>; the only one documented with usage.
    /// </summary>
    Oldest,

    /// <summary>
    /// The previous one: the event name in a data member <c>event</c> (or only in the SSE name),
    /// <c>response.content_delta</c>, <c>reasoning.*</c>, <c>response.block</c>, and a
    /// <c>response.completed</c> that carries the full text, blocks and reasoning; no <c>[DONE]</c>.
    /// Told by <c>reasoning.*</c>, <c>response.block</c>, or a <c>response.content_delta</c> or
    /// <c>response.error</c> named only by its SSE name.
    /// </summary>
    Previous,

    /// <summary>
    /// The current one: every event names itself in a data member <c>event</c>, with
    /// <c>response.processing</c>, <c>.context</c>, <c>.heartbeat</c>, <c>response.reasoning.*</c>,
    /// <c>response.tool.*</c>, <c>response.cancelled</c>, and a final <c>data: [DONE]</c>.
    /// </summary>
    Current,
}
