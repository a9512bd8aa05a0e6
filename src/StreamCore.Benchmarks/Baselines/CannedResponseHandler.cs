using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;

namespace StreamCore.Benchmarks.Baselines;

/// <summary>
/// Answers every request with 200, <c>text/event-stream</c> and the current body: the SDKs read the
/// workload's bytes through their own HTTP pipeline, as from a server, without a network.
/// </summary>
internal sealed class CannedResponseHandler : HttpMessageHandler
{
    public byte[] Body { get; set; } = [];

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var content = new ByteArrayContent(Body);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/event-stream");
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request };
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        Task.FromResult(Send(request, cancellationToken));
}
