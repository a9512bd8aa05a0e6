using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading.Tasks;

namespace StreamCore.Tests.Transport;

/// <summary>What <see cref="StreamProviderErrorException"/> says of an HTTP answer that carries no stream: the error, the status, and the media type only when it is one.</summary>
public class ErrorAnswerTests
{
    private static HttpResponseMessage Answer(HttpStatusCode status, string body, string? mediaType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = mediaType is null ? null : new MediaTypeHeaderValue(mediaType);
        return new HttpResponseMessage(status) { Content = content };
    }

    [Theory]
    [InlineData(HttpStatusCode.OK, "<html>bad gateway</html>", "text/html", "text/html")] // a proxy's page
    [InlineData(HttpStatusCode.BadGateway, "<html>bad gateway</html>", "text/html", "text/html")]
    [InlineData(HttpStatusCode.TooManyRequests, """{"error":{"message":"slow down"}}""", "application/json", null)] // the error says it all
    [InlineData(HttpStatusCode.InternalServerError, "oops", "text/event-stream", null)] // an event stream is what was expected
    [InlineData(HttpStatusCode.InternalServerError, "oops", null, null)] // no media type to name
    public async Task TheMediaTypeIsNamedOnlyWhenTheBodyIsSomethingElse(HttpStatusCode status, string body, string? mediaType, string? expected)
    {
        using HttpResponseMessage response = Answer(status, body, mediaType);
        StreamProviderErrorException e = await Assert.ThrowsAsync<StreamProviderErrorException>(() => ModelStream.AssembleAsync(response));
        Assert.Equal((int)status, e.StatusCode);
        Assert.Equal(expected, e.ContentType);
        Assert.Equal(expected is not null, e.Message.Contains(", not text/event-stream", System.StringComparison.Ordinal));
    }
}
