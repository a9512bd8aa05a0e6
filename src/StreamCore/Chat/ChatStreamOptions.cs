namespace StreamCore.Chat;

/// <summary>
/// The options of the chat-completion entry points (<see cref="ChatStream"/>, <see cref="ChatCompletionAssembler"/>):
/// the same limits as <see cref="StreamOptions"/>, whose <see cref="StreamOptions.Protocol"/> must be
/// <see cref="StreamProtocol.Auto"/> or <see cref="StreamProtocol.ChatCompletions"/> here.
/// </summary>
public sealed class ChatStreamOptions : StreamOptions
{
}
