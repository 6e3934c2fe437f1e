using Bacalhau.NatsHosting.Tests.Server;
using Bacalhau.ServiceDefaults.Nats;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NATS.Client.Core;

namespace Bacalhau.ServiceDefaults.Tests.Nats;

/// <summary>
/// A node given one server of a cluster learns the others from the servers' INFO and moves to a survivor by itself
/// when its server dies: nothing in the process-wide connection's settings may pin it to the URL it was given.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class NatsClusterFailoverTests
{
    [Fact]
    public async Task A_client_given_only_the_first_server_reconnects_to_a_survivor_after_a_kill_9_and_requests_are_answered()
    {
        await using var cluster = await NatsTestCluster.StartAsync(3);
        await using var responder = new NatsConnection(NatsOpts.Default with { Url = cluster[2].Config.ClientUrl, AuthOpts = cluster.ServiceUser("responder") });
        await using var replies = await responder.SubscribeCoreAsync<string>("echo");
        using var stop = new CancellationTokenSource();
        var answering = AnswerAsync(replies, stop.Token);

        using var host = ClientHost(cluster, cluster[0].Config.ClientUrl);
        var client = host.Services.GetRequiredService<NatsConnection>();
        await client.ConnectAsync();
        Assert.Equal("before", (await RequestAsync(client, "before")).Data);
        // The servers' INFO lists the others; without that the client would only retry the dead one.
        await UntilAsync(() => client.ServerInfo?.ClientConnectUrls?.Length >= 2);

        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.ConnectionOpened += (_, _) =>
        {
            reconnected.TrySetResult();
            return ValueTask.CompletedTask;
        };
        await cluster.KillAsync(0);

        await reconnected.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.NotEqual(cluster[0].Config.Port, client.ServerInfo!.Port);
        Assert.Equal("after", (await RequestAsync(client, "after")).Data);

        await stop.CancelAsync();
        await replies.UnsubscribeAsync();
        await answering;
    }

    private static IHost ClientHost(NatsTestCluster cluster, string url)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton<INatsCredentials>(new ServiceUserCredentials(cluster));
        builder.AddNatsClient("nats", settings => settings.Url = url);
        return builder.Build();
    }

    private static async Task<NatsMsg<string>> RequestAsync(NatsConnection client, string text)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await client.RequestAsync<string, string>("echo", text, cancellationToken: timeout.Token);
    }

    private static async Task AnswerAsync(INatsSub<string> replies, CancellationToken stop)
    {
        try
        {
            await foreach (var request in replies.Msgs.ReadAllAsync(stop))
            {
                await request.ReplyAsync(request.Data, cancellationToken: stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The test is over.
        }
    }

    private static async Task UntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(50, timeout.Token);
        }
    }

    private sealed class ServiceUserCredentials(NatsTestCluster cluster) : INatsCredentials
    {
        public ValueTask<NatsAuthCred> GetAsync(Uri server, CancellationToken cancellationToken)
        {
            var user = cluster.ServiceUser("failover client");
            return ValueTask.FromResult(NatsAuthCred.FromJwt(user.Jwt!, user.Seed!));
        }
    }
}
